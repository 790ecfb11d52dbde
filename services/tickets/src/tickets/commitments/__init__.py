"""The estate's published service commitments (服务承诺): what its service levels promise and the
service catalogue with prices, as owners read them (GW-3)."""
