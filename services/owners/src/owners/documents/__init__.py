"""Documents (OWN-5): versioned contract and proposal templates, and the DOCX files generated from them."""
