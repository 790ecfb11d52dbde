"""``notify sms-standin``: the stand-in as a process, with the settings' keys and its options."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import httpx

from notify.providers.aliyun import AliyunSms


def test_the_command_serves_the_stand_in(sms_settings, sms) -> None:
    notify = Path(sys.executable).with_name("notify")
    env = {**os.environ, "NOTIFY_SMS_ACCESS_KEY_ID": "test-key", "NOTIFY_SMS_ACCESS_KEY_SECRET": "test-secret"}
    process = subprocess.Popen([str(notify), "sms-standin", "--port", "0", "--no-callback", "--fail-suffix", "07"],
                               stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        url = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline()).group(0)
        adapter = AliyunSms(sms_settings(url))
        assert adapter.send(uuid.uuid4(), [sms("13900000007", month="3月")]).accepted
        [record] = httpx.get(url + "/_standin/messages").json()["messages"]
        assert (record["number"], record["err_code"]) == ("13900000007", "MN:0001")
        adapter.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
