"""Reference data shipped with carnet: drugs (BDPM), lab tests, vaccines, with fuzzy lookups."""

from extraction.reference.drugs import DrugMatch, coded_substance_names, drug_class_of, lookup_drug
from extraction.reference.labtests import LabTest, LabTestMatch, lookup_lab_test
from extraction.reference.vaccines import VaccineMatch, lookup_vaccine

__all__ = [
    "DrugMatch",
    "LabTest",
    "LabTestMatch",
    "VaccineMatch",
    "coded_substance_names",
    "drug_class_of",
    "lookup_drug",
    "lookup_lab_test",
    "lookup_vaccine",
]
