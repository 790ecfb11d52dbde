"""Local stand-ins for the providers notify talks to, for tests and ``make run``: the SMS provider
(:mod:`notify.standins.sms_provider`, answering like Aliyun's SMS API) and the SMTP server."""
