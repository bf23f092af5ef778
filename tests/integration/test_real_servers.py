"""The server fixtures give real PostgreSQL and NATS JetStream servers."""

from __future__ import annotations

import asyncio
import uuid

import nats
import pytest
from sqlalchemy import create_engine, make_url, text

from servers import NatsServer

# ------------------------------------------------------------------------------ PostgreSQL


@pytest.mark.postgres
def test_postgres_answers_version(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            version = conn.execute(text("select version()")).scalar_one()
    finally:
        engine.dispose()
    assert "PostgreSQL" in version


@pytest.mark.postgres
@pytest.mark.parametrize("run", [1, 2])
def test_postgres_url_is_a_fresh_database_per_test(postgres_url: str, run: int) -> None:
    # Both runs create the same table: the second would fail if they shared a database.
    engine = create_engine(postgres_url)
    try:
        with engine.begin() as conn:
            database = conn.execute(text("select current_database()")).scalar_one()
            tables = conn.execute(
                text("select count(*) from pg_tables where schemaname = 'public'")
            ).scalar_one()
            conn.execute(text("create table marker (run integer not null)"))
            conn.execute(text("insert into marker values (:run)"), {"run": run})
    finally:
        engine.dispose()
    assert database == make_url(postgres_url).database
    assert database != "postgres"
    assert tables == 0


# ------------------------------------------------------------------------------------ NATS


async def _publish(url: str, stream: str, subject: str, payload: bytes) -> int:
    nc = await nats.connect(url, allow_reconnect=False)
    try:
        js = nc.jetstream()
        await js.add_stream(name=stream, subjects=[subject])
        ack = await js.publish(subject, payload)
        assert ack.stream == stream
        return ack.seq
    finally:
        await nc.close()


async def _pull_one(url: str, stream: str, subject: str) -> bytes:
    nc = await nats.connect(url, allow_reconnect=False)
    try:
        js = nc.jetstream()
        info = await js.stream_info(stream)
        assert info.state.messages == 1
        sub = await js.pull_subscribe(subject, durable="reader", stream=stream)
        (msg,) = await sub.fetch(1, timeout=5)
        await msg.ack()
        return msg.data
    finally:
        await nc.close()


def _names() -> tuple[str, str]:
    suffix = uuid.uuid4().hex[:12]
    return f"TEST_{suffix}", f"test.{suffix}"


@pytest.mark.nats
def test_nats_jetstream_publish_and_read_back(nats_server: NatsServer) -> None:
    stream, subject = _names()
    seq = asyncio.run(_publish(nats_server.url, stream, subject, b"hello"))
    assert seq == 1
    assert asyncio.run(_pull_one(nats_server.url, stream, subject)) == b"hello"


@pytest.mark.nats
def test_nats_jetstream_survives_a_restart(nats_server: NatsServer) -> None:
    stream, subject = _names()
    port, store = nats_server.port, nats_server.dir
    asyncio.run(_publish(nats_server.url, stream, subject, b"persisted"))
    try:
        nats_server.kill()
        assert not nats_server.running
    finally:
        nats_server.start()
    assert (nats_server.port, nats_server.dir) == (port, store)
    assert asyncio.run(_pull_one(nats_server.url, stream, subject)) == b"persisted"
