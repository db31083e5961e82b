/** Full-page navigation, kept apart so tests can replace it (happy-dom can't leave the page). */
export function goTo(url: string): void {
  window.location.assign(url)
}
