"""Templates (NTF-4): ``${var}`` texts in zh-CN and English, rendered per recipient, and the SMS length."""
