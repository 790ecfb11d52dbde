"""Delivery tracking (送达跟踪, NTF-2): who got a notice, over which channel, and who must still be called.

``views`` reads (totals, the recipient list, one recipient's history, "did person X get notice
Y"), ``use_cases`` resends to the not reached over another channel, ``completion`` closes a notice
whose messages are all final, ``exports`` writes the recipient list as CSV and XLSX.
"""
