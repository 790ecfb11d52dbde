"""A limit counted in a use case answers 429 with Retry-After (servicekit.errors.TooMany)."""

from __future__ import annotations

from flask import Flask

from servicekit.errors import TooMany
from servicekit.web import install_problem_details
from servicekit.webapp import install_domain_errors


def test_too_many_is_a_429_with_retry_after_in_both_languages() -> None:
    app = Flask("t")
    install_problem_details(app)
    install_domain_errors(app)

    @app.post("/codes")
    def codes():
        raise TooMany("too many codes to this number; try again later", "发送给该号码的验证码过多，请稍后再试",
                      retry_after=719.2)

    answer = app.test_client().post("/codes")
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "719"
    assert answer.mimetype == "application/problem+json" and "this number" in answer.json["detail"]
    chinese = app.test_client().post("/codes", headers={"Accept-Language": "zh-CN"})
    assert chinese.json["detail"] == "发送给该号码的验证码过多，请稍后再试"
    assert TooMany("a", "甲", retry_after=0).retry_after == 1  # never "retry after 0 seconds"
