"""Follow-up visits (回访) of unhappy answers and the low-score thresholds that open them (SRV-4)."""
