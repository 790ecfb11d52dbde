"""How long a body may be, by what the channel it goes over can send (issue 16: a 1 MB template
body was accepted, and would have been rendered into every recipient's message and sent).

The bounds, in characters of the rendered body (the subject has its own 300):

* **SMS: 500.** Aliyun's SMS service (the provider notify signs for) takes a template, and a message,
  of at most 500 characters, signature included; a longer text is refused by the provider, so
  refusing it here says so when the notice is written, not when every message fails. (500 UCS-2
  characters are 8 parts; ``sms_max_segments`` and ``consent_to_split`` still guard the cost.)
* **In-app: 2,000.** What ``POST /messages`` takes as a text: a notice in a resident's inbox is a
  screen or two on a phone, not a document.
* **E-mail and webhooks: 20,000.** A long notice with its details; 20,000 Chinese characters are
  60 KB of UTF-8 (80 KB once base64-encoded), under the 102 KB after which Gmail clips a message,
  and a webhook carries the same body to another company system.

A template names no channel (a notice chooses them, in fallback order), so a template's texts are
bounded by the longest channel's bound when written, and a notice or a message is refused when a
channel it would send over cannot carry its template's body.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from notify.domain.channels import EMAIL, IN_APP, SMS, WEBHOOK
from servicekit.errors import Invalid

MAX_BODY = {SMS: 500, IN_APP: 2_000, EMAIL: 20_000, WEBHOOK: 20_000}
LONGEST = max(MAX_BODY.values())
_NAME_ZH = {SMS: "短信", IN_APP: "站内信", EMAIL: "邮件", WEBHOOK: "Webhook"}


def check_template_body(language: str, body: str) -> None:
    """A template's body is at most what the longest channel carries."""
    if len(body) > LONGEST:
        raise Invalid(f"a template's body is at most {LONGEST} characters (what an e-mail carries)",
                      f"模板正文最多{LONGEST}个字符（邮件能承载的长度）",
                      errors={f"texts.{language}.body": [f"{len(body)} characters; at most {LONGEST}"]})


def check_fits(bodies: Mapping[str, str], channels: Iterable[str], field: str) -> None:
    """Every body (by language, or by message) fits every channel it may go over."""
    for channel in channels:
        limit = MAX_BODY[channel]
        longest = max((len(body) for body in bodies.values()), default=0)
        if longest > limit:
            raise Invalid(f"the text is {longest} characters, more than {channel} carries ({limit})",
                          f"正文{longest}个字符，超过{_NAME_ZH[channel]}的上限（{limit}个字符）",
                          errors={field: [f"{channel} carries at most {limit} characters; this is {longest}"]})
