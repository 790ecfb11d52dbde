"""What the console says, in zh-CN (first) and English: one entry per phrase, looked up by the
templates as ``t("key")``. Each area of the console keeps its phrases beside these, merged here."""

from __future__ import annotations

# The frame, signing in and out, and what every page may answer.
FRAME: dict[str, tuple[str, str]] = {
    "console": ("客服工作台", "Service desk"),
    "switch": ("English", "中文"),
    "skip": ("跳到正文", "Skip to the content"),
    "menu": ("主菜单", "Main menu"),
    "sign_in": ("员工登录", "Staff sign-in"),
    "sign_in_button": ("登录", "Sign in"),
    "sign_out": ("退出登录", "Sign out"),
    "login": ("登录名", "Login"),
    "password": ("密码", "Password"),
    "new_password": ("新密码", "New password"),
    "new_password_hint": ("首次登录或密码被重置后，请设置新密码（至少 10 位）。",
                          "After a first sign-in or a reset, choose a new password (at least 10 characters)."),
    "expired": ("登录已过期，请重新登录。您刚才填写的内容已保留，登录后可确认提交。",
                "Your session has ended; please sign in again. What you entered is kept: you can send it after "
                "signing in."),
    "resume_title": ("确认提交", "Send what you entered"),
    "resume_intro": ("您已重新登录。以下是登录过期前填写的内容，请确认后提交。",
                     "You are signed in again. This is what you entered before the session ended; check it and "
                     "send it."),
    "resume_send": ("确认提交", "Send"),
    "resume_drop": ("放弃", "Discard"),
    "home": ("工作台", "Today"),
    "welcome": ("您好，{name}", "Hello, {name}"),
    "role_operator_admin": ("运营管理员", "Operator admin"),
    "role_estate_manager": ("管理处经理", "Estate manager"),
    "role_service_desk_agent": ("客服专员", "Service desk agent"),
    "role_technician": ("维修技工", "Technician"),
    "not_found": ("没有找到此页面或记录。", "There is no such page or record."),
    "unavailable": ("服务暂时无法访问，请稍后再试；您的操作未被保存。",
                    "The service cannot be reached just now; nothing was saved. Please try again shortly."),
    "back": ("返回", "Back"),
    "menu_queue": ("工单队列", "Queue"),
    "menu_entry": ("来电登记", "Quick entry"),
    "menu_my_work": ("我的工单", "My work"),
    "menu_notices": ("通知", "Notices"),
    "menu_surveys": ("满意度调查", "Surveys"),
    "menu_dashboard": ("数据看板", "Dashboard"),
    "menu_desk": ("前台事务", "Desk work"),
    "menu_register": ("基础资料", "Register"),
}

REFUSALS: dict[str, tuple[str, str]] = {
    "csrf": ("页面已过期，请刷新后重试；本次提交未做任何更改。",
             "This page has expired; reload it and try again. Nothing was changed."),
    "login": ("请输入登录名。", "Enter your login."),
    "password": ("请输入密码。", "Enter your password."),
    "too_large": ("提交的内容过大（附件不超过 10 MB）。",
                  "What you sent is too large (an attachment may be at most 10 MB)."),
}

# Each area's phrases: its own dictionary, kept apart so that each area's changes stay in its own lines.

# The desk's queue and the quick entry of a call or a walk-in (gateway.console.queue, .entry).
QUEUE: dict[str, tuple[str, str]] = {
    "queue_intro": ("管辖小区内未关闭的工单，按阶段分组；时效倒计时每秒更新，新工单自动出现。",
                    "Open tickets of your estates by stage; the SLA clocks count down each second and new tickets "
                    "appear by themselves."),
    "queue_sets": ("我的筛选方案", "My saved filters"),
    "queue_no_sets": ("还没有保存的筛选方案。设置筛选条件后，在下方命名保存，换一台电脑也能用。",
                      "No saved filters yet. Set the filters, then name and save them below: they follow you to "
                      "any computer."),
    "queue_applied": ("已应用筛选方案：{name}", "Saved filters applied: {name}"),
    "queue_set_delete": ("删除筛选方案 {name}", "Delete the saved filters {name}"),
    "queue_filters": ("筛选", "Filters"),
    "queue_estate": ("小区", "Estate"),
    "queue_building": ("楼栋", "Building"),
    "queue_kind": ("类型", "Kind"),
    "queue_class": ("投诉分类", "Complaint class"),
    "queue_priority": ("优先级", "Priority"),
    "queue_assignee": ("处理人", "Assignee"),
    "queue_order": ("排序", "Order"),
    "queue_stages": ("阶段（不选即全部）", "Stages (none ticked: all)"),
    "queue_any": ("全部", "Any"),
    "queue_unassigned": ("未派工", "Not assigned"),
    "queue_someone": ("其他员工", "Another member of staff"),
    "queue_apply": ("筛选", "Filter"),
    "queue_clear": ("清除筛选", "Clear filters"),
    "queue_save_title": ("保存筛选方案", "Save these filters"),
    "queue_set_name": ("方案名称", "Name of the saved filters"),
    "queue_set_hint": ("以当前筛选条件保存；同名方案会被替换。",
                       "Saves the filters shown now; a set of the same name is replaced."),
    "queue_save": ("保存方案", "Save filters"),
    "queue_open": ("未关闭工单", "Open tickets"),
    "queue_caption": ("工单队列：工单号、阶段、内容、位置、优先级、时效倒计时、处理人、登记时间",
                      "The queue: number, stage, what, where, priority, SLA clocks, assignee, opened"),
    "queue_empty": ("没有符合条件的未关闭工单。", "No open ticket matches these filters."),
    "queue_new": ("新", "New"),
    "queue_new_count": ("打开本页后新增 {count} 张工单", "{count} new since this page was opened"),
    "queue_number": ("工单号", "Number"),
    "queue_stage": ("阶段", "Stage"),
    "queue_what": ("内容", "What"),
    "queue_where": ("位置", "Where"),
    "queue_opened": ("登记时间", "Opened"),
    "queue_waiting": ("等待业主", "Waiting on owner"),
    "queue_left": ("剩余", "left"),
    "queue_over": ("超时", "over by"),
    "queue_days": ("天", "d"),
    "queue_pages": ("分页", "Pages"),
    "queue_page": ("第 {page} 页", "Page {page}"),
    "queue_previous": ("上一页", "Previous"),
    "queue_next": ("下一页", "Next"),
    "clock_acknowledge": ("受理时效", "To acknowledge"),
    "clock_arrive": ("到场时效", "To arrive"),
    "clock_resolve": ("完成时效", "To resolve"),
    "clock_none": ("无此时效或已达成", "No such target, or met"),
    "sla_on_time": ("正常", "On time"),
    "sla_warned": ("预警", "Warning"),
    "sla_breached": ("已超时", "Breached"),
    "sla_paused": ("已暂停", "Paused"),
    "order_stage": ("按阶段", "By stage"),
    "order_due": ("按最近到期", "Due first"),
    "order_newest": ("最新登记在前", "Newest first"),
    "stage_received": ("已登记", "Received"),
    "stage_acknowledged": ("已受理", "Acknowledged"),
    "stage_dispatched": ("已派工", "Dispatched"),
    "stage_on_site": ("已到场", "On site"),
    "stage_explained": ("已解释承诺", "Explained"),
    "stage_escalated": ("已上报", "Escalated"),
    "stage_resolved": ("已处理", "Resolved"),
    "stage_owner_informed": ("已回复业主", "Owner informed"),
    "stage_evaluated": ("已回访评价", "Evaluated"),
    "kind_inquiry": ("咨询", "Inquiry"),
    "kind_repair": ("报修", "Repair"),
    "kind_complaint": ("投诉", "Complaint"),
    "kind_suggestion": ("建议", "Suggestion"),
    "kind_praise": ("表扬", "Praise"),
    "class_facilities": ("设备设施", "Facilities"),
    "class_management": ("管理服务", "Management service"),
    "class_fees": ("收费", "Fees"),
    "class_emergency": ("突发事件", "Emergency"),
    "priority_urgent": ("紧急", "Urgent"),
    "priority_high": ("高", "High"),
    "priority_normal": ("普通", "Normal"),
    "priority_low": ("低", "Low"),
    # Refusals of the queue and the quick entry.
    "refuse_queue_filter": ("筛选条件不是可选的值，已忽略该条件；请重新选择。",
                     "A filter is not one of its choices and was left out; choose again."),
    "refuse_queue_set_name": ("请为筛选方案命名。", "Name the saved filters."),
    "refuse_queue_set_name_long": ("方案名称最多 60 个字。", "A name may be at most 60 characters."),
    "refuse_queue_set_full": ("最多保存 {most} 个筛选方案，请先删除一个。",
                              "At most {most} saved filters: delete one first."),
}


# A ticket's page (gateway.console.tickets).
TICKET: dict[str, tuple[str, str]] = {
}


# A person's page and notices (gateway.console.people, .notices).
NOTICES: dict[str, tuple[str, str]] = {
}


# Surveys, the estate dashboard and the monthly complaint report (gateway.console.surveys, .dashboard).
SURVEYS: dict[str, tuple[str, str]] = {
}


# Desk work, the register and a technician's own work (gateway.console.desk, .register, .my_work).
DESK: dict[str, tuple[str, str]] = {
}


TEXTS: dict[str, tuple[str, str]] = {**FRAME, **QUEUE, **TICKET, **NOTICES, **SURVEYS, **DESK}
