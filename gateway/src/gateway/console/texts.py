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
