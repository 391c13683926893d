"""Manager insights, as pure computation (NumPy and SciPy; no Qt, no database): the till's services read the
store and hand plain arrays and values to these modules.

* ``summary`` — purchase histories in the shape the models read (frequency, recency, age, repeat value);
* ``clv`` — the BG/NBD and Gamma-Gamma models: fits, P(alive), expected purchases and spend, discounted CLV;
* ``history`` — a member's historic value (spend, visits, basket, tenure, points earned, redeemed, expired);
* ``rfm`` — RFM scores and named segments, recomputed sale by sale;
* ``metrics`` — cohort retention, active members, the North Star, points liability and flow, enrolments;
* ``hints`` — the next best action for the cashier, as structured hints the window translates.
"""
