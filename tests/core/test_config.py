from pathlib import Path

import pytest
from pydantic import ValidationError

from app.core.config import Settings
from app.main import create_app


def test_production_requires_a_secret_key():
    with pytest.raises(ValidationError, match="LOUPE_SECRET_KEY is required"):
        Settings(env="production", secret_key="")


def test_dev_login_refuses_to_start_in_production():
    with pytest.raises(ValidationError, match="DEV_LOGIN cannot be enabled"):
        Settings(env="production", secret_key="s", dev_login=True)


def test_dev_login_only_counts_in_dev():
    assert Settings(env="dev", dev_login=True).dev_login_enabled
    assert not Settings(env="test", dev_login=True).dev_login_enabled
    assert not Settings(env="dev", dev_login=False).dev_login_enabled


def test_local_secret_key_is_generated_once_and_kept(tmp_path: Path):
    settings = Settings(data_dir=tmp_path, secret_key="")
    first = settings.resolved_secret_key()
    assert len(first) >= 40
    assert Settings(data_dir=tmp_path, secret_key="").resolved_secret_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_default_database_is_sqlite_in_the_data_folder(tmp_path: Path):
    url = Settings(data_dir=tmp_path, database_url="").resolved_database_url()
    assert url == f"sqlite:///{tmp_path.resolve()}/loupe.db"


def test_admins_are_a_comma_separated_list():
    assert Settings(admins=" Alice, Bob Smith ,,").admin_usernames == {"Alice", "Bob Smith"}


def test_the_servers_postgresql_pool_keeps_the_configured_connections():
    settings = Settings(database_url="postgresql://loupe@db.invalid/loupe", database_pool_size=7)
    engine = create_app(settings, run_jobs=False).state.engine  # connects only when used
    assert engine.pool.size() == 7


def test_a_pool_without_connections_is_refused():
    with pytest.raises(ValidationError, match="database_pool_size"):
        Settings(database_pool_size=0)
