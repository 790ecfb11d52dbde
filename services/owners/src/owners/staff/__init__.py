"""Staff (员工): the service centres' directory of members, their roles and skills."""
