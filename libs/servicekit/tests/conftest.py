"""Tests of servicekit itself.

The fixtures ``make_database`` and ``amqp_vhost_url`` come from the ``servicekit.testing`` plugin,
which pytest loads through servicekit's ``pytest11`` entry point wherever servicekit is installed
(so no ``pytest_plugins`` here: naming it twice would register it twice).
"""
