"""Each estate's sending settings (发送设置): its time zone, quiet hours and SMS signature."""
