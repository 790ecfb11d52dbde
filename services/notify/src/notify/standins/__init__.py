"""Local stand-ins for notify's providers (Aliyun's SMS API and an SMTP server), for tests and ``make run``."""
