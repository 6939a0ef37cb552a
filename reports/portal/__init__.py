"""The public portal (/publik/): what an anonymous visitor may read of each office, and nothing else.

Only what is final is public: the targets once the year is locked (Kunci PK), capaian for the quarters
whose data run has finished, and the signed documents an agency has published (reports.models.publication).
"""
