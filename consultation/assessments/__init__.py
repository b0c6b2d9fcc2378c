"""The yearly assessment (年度政务公开工作考核评估, section 七(三)): a frozen, scored snapshot of a
year's compliance for every unit, published in the first quarter of the next year."""
