"""Commissions for the staff who did paid work (服务佣金管理, TKT-11): rules, what was earned, monthly statements."""
