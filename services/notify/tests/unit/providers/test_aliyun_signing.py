"""Aliyun's request signature against the examples Aliyun documents, and its percent-encoding."""

from __future__ import annotations

from datetime import UTC, datetime

from notify.providers.aliyun import percent_encode, signature, signed, string_to_sign

# The SendSms example of Aliyun's SMS "signature method" page (help.aliyun.com document 56189 /
# 101343): AccessKeyId testId, AccessKeySecret testSecret, a GET request.
SMS_EXAMPLE = {
    "AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
    "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou", "SignName": "阿里云短信测试专用",
    "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007", "TemplateParam": '{"customer":"test"}',
    "Timestamp": "2017-07-12T02:42:19Z", "Version": "2017-05-25",
}


def test_the_documented_sms_example() -> None:
    assert string_to_sign("GET", SMS_EXAMPLE) == (
        "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001"
        "%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4"
        "%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1"
        "%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode"
        "%3DSMS_71390007%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp"
        "%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25")
    assert signature("GET", SMS_EXAMPLE, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_the_documented_rpc_example() -> None:
    # The DescribeRegions example of Aliyun's RPC signature documentation.
    params = {"Format": "XML", "AccessKeyId": "testid", "Action": "DescribeRegions", "SignatureMethod": "HMAC-SHA1",
              "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "SignatureVersion": "1.0",
              "Version": "2014-05-26", "Timestamp": "2016-02-23T12:46:24Z"}
    assert signature("GET", params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_a_signature_parameter_is_not_signed_and_post_is_signed_as_post() -> None:
    with_signature = {**SMS_EXAMPLE, "Signature": "anything"}
    assert signature("GET", with_signature, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    assert string_to_sign("POST", SMS_EXAMPLE).startswith("POST&%2F&AccessKeyId%3DtestId")
    assert signature("POST", SMS_EXAMPLE, "testSecret") != signature("GET", SMS_EXAMPLE, "testSecret")


def test_percent_encoding_is_rfc_3986() -> None:
    assert percent_encode("a b") == "a%20b"
    assert percent_encode("*") == "%2A"
    assert percent_encode("~-_.") == "~-_."
    assert percent_encode("/=&+,") == "%2F%3D%26%2B%2C"
    assert percent_encode("物") == "%E7%89%A9"


def test_signed_adds_the_common_parameters() -> None:
    params = signed("SendSms", {"PhoneNumbers": "13900000000"}, key_id="k", secret="s", region="cn-hangzhou",
                    now=datetime(2026, 3, 5, 1, 2, 3, tzinfo=UTC), nonce="n1")
    assert params["Timestamp"] == "2026-03-05T01:02:03Z"
    assert params["Format"] == "JSON" and params["Version"] == "2017-05-25" and params["SignatureNonce"] == "n1"
    assert params["Signature"] == signature("POST", params, "s")
