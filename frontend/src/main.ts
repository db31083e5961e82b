/** Entry point: styles, language, session, router, then mount. */
import '@wikimedia/codex-design-tokens/theme-wikimedia-ui.css'
import '@wikimedia/codex/dist/codex.style-bidi.css'
import './styles/base.css'

import { createApp } from 'vue'
import App from './App.vue'
import { i18n, preferredLanguage, setLanguage } from './i18n'
import { createLoupeRouter } from './router'
import { loadSession } from './session'

const app = createApp(App).use(i18n).use(createLoupeRouter())

void loadSession()
// Show the page in English rather than not at all if the chosen language fails to load.
setLanguage(preferredLanguage())
  .catch((error: unknown) => console.error('Could not load language:', error))
  .finally(() => app.mount('#app'))
