"""Call scripts and prepared replies (电话服务内容草稿, TKT-9): what the desk says, per estate and kind of ticket."""
