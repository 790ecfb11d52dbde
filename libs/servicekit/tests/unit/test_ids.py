"""servicekit.ids: random version-4 UUIDs as uuid.uuid4 gives them, quicker."""

from uuid import RFC_4122, UUID

from servicekit.ids import new_uuid, new_uuid_text


def test_a_new_uuid_is_a_random_version_4_uuid() -> None:
    drawn = {new_uuid() for _ in range(2000)}
    assert len(drawn) == 2000
    assert all(isinstance(u, UUID) and u.version == 4 and u.variant == RFC_4122 for u in drawn)


def test_a_new_uuid_text_is_the_text_of_one() -> None:
    drawn = {new_uuid_text() for _ in range(2000)}
    assert len(drawn) == 2000
    for text in drawn:
        parsed = UUID(text)
        assert str(parsed) == text and parsed.version == 4 and parsed.variant == RFC_4122


def test_a_forked_child_draws_numbers_of_its_own() -> None:
    """The numbers drawn ahead are the parent's: a child (a gunicorn worker) must not hand them out too."""
    import os

    new_uuid()  # the parent has numbers waiting
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.write(write, "\n".join(new_uuid_text() for _ in range(50)).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        child = set(pipe.read().split("\n"))
    os.waitpid(pid, 0)
    parent = {new_uuid_text() for _ in range(50)}
    assert len(child) == 50 and not child & parent
