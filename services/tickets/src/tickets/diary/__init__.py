"""The diary (时间管理, TKT-8): appointments, meetings, activities, planned calls, tasks and memos."""
