"""Statistics (统计分析, SRV-3): a wave's response rate and scores by element and building, the trend
against the estate's earlier waves; as JSON, CSV or XLSX."""
