"""Templates (通知模板, NTF-4): ``${var}`` texts in zh-CN and English, rendered per recipient, and the SMS length."""
