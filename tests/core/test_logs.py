import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from app.core.logs import configure_logging


@pytest.fixture
def captured() -> Iterator[Callable[[str], io.StringIO]]:
    """Configure logging as `loupe serve` does, into a buffer; restore the old handlers after."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()

    def configure(fmt: str) -> io.StringIO:
        configure_logging("INFO", fmt)
        root.handlers[0].setStream(stream)
        return stream

    yield configure
    root.handlers[:], level = saved
    root.setLevel(level)


def test_json_logs_are_one_object_per_line(captured):
    stream = captured("json")
    logging.getLogger("loupe.test").warning("disk %s full", "/data")
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("loupe.test").exception("it broke")
    lines = stream.getvalue().splitlines()
    first = json.loads(lines[0])
    assert first["level"] == "WARNING"
    assert first["logger"] == "loupe.test"
    assert first["message"] == "disk /data full"
    assert first["request_id"] == "-"
    assert first["time"].endswith("+00:00")
    error = json.loads(lines[-1])
    assert "ValueError: boom" in error["exception"]
    assert all(json.loads(line) for line in lines)


def test_access_lines_carry_the_request_fields(captured, client: TestClient):
    stream = captured("json")
    client.get("/healthz", headers={"X-Request-ID": "req-42"})
    client.get("/api/me?code=secret")
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [entry for entry in entries if entry["logger"] == "loupe.access"]
    assert [(e["method"], e["path"], e["status"]) for e in access] == [
        ("GET", "/healthz", 200),
        ("GET", "/api/me", 401),
    ]
    assert access[0]["request_id"] == "req-42"
    assert access[0]["duration_ms"] > 0
    assert "secret" not in json.dumps(access)  # query strings may carry OAuth codes


def test_text_logs_stay_readable(captured, client: TestClient):
    stream = captured("text")
    client.get("/healthz", headers={"X-Request-ID": "req-7"})
    line = stream.getvalue().splitlines()[-1]
    assert "INFO [req-7] loupe.access: GET /healthz 200" in line
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_each_server_process_configures_its_own_logging(
    captured, monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path
):
    # uvicorn spawns its worker processes afresh: the app factory must set logging up.
    from app.cli import served_app
    from app.core.config import get_settings
    from app.core.logs import JsonFormatter

    monkeypatch.setenv("LOUPE_LOG_FORMAT", "json")
    monkeypatch.setenv("LOUPE_DATABASE_URL", database_url)
    monkeypatch.setenv("LOUPE_DATA_DIR", str(tmp_path))
    logging.getLogger().handlers.clear()
    get_settings.cache_clear()
    try:
        app = served_app()
    finally:
        get_settings.cache_clear()
    assert isinstance(logging.getLogger().handlers[0].formatter, JsonFormatter)
    app.state.engine.dispose()


def test_a_path_cannot_forge_text_log_lines(captured, client: TestClient):
    stream = captured("text")
    client.get("/api/x%0D%0A2026-12-01 INFO [-] loupe.access: GET /forged 200")
    lines = stream.getvalue().splitlines()
    assert not any(line.startswith("2026-12-01 INFO") for line in lines)
    assert "/api/x\\r\\n2026-12-01" in lines[-1]
