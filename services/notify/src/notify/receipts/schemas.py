"""The shapes of the receipts callback, as OpenAPI schemas: the body Aliyun's SmsReport pushes and
the answer it expects (the body is read by :mod:`notify.receipts.sms_report`, not by marshmallow)."""

ANSWER = {"type": "object", "properties": {"code": {"type": "integer", "example": 0},
                                           "msg": {"type": "string", "example": "成功"}}}
SMS_REPORT = {
    "type": "array", "minItems": 1, "description": "Aliyun pushes at most 100 at a time",
    "items": {"type": "object", "required": ["phone_number", "success", "biz_id"], "properties": {
        "phone_number": {"type": "string", "minLength": 1, "maxLength": 32}, "send_time": {"type": "string"},
        "report_time": {"type": "string", "description": "yyyy-MM-dd HH:mm:ss, Beijing time"},
        "success": {"type": "boolean"}, "err_code": {"type": "string", "maxLength": 100},
        "err_msg": {"type": "string", "nullable": True}, "sms_size": {"type": "string"},
        "biz_id": {"type": "string", "minLength": 1, "maxLength": 200},
        "out_id": {"type": "string", "maxLength": 256, "nullable": True},
    }},
}
