"""Categories of repairs, inquiries and complaints: the operator's for every estate, and each estate's own."""
