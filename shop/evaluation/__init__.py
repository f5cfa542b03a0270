"""The OCOP evaluation cycle (Decision 148/QĐ-TTg of 2023 as amended by 1489/QĐ-TTg of
2025): rounds, registrations and dossiers, the commune's pre-check, councils scoring on
versioned score sheets, results and the decision that makes certificates in the catalog."""
