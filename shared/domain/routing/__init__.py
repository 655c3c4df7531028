"""The SLRT referral logic: rules as data and a pure, explainable routing decision."""
