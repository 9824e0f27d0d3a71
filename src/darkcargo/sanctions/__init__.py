"""Watch stage: sanctions lists (OFAC, UN, EU, plain), their matches to AIS identities over
time, and a transparent vessel risk score with its evidence."""
