"""Deterministic demo data: a SQLite database that makes a first run look like a real company.

``generate_demo_database(path)`` writes about two years of daily data into ten
source tables (survey_responses, support_contacts, orders, catalog_daily,
price_checks, marketing_daily, revenue_daily, feedback_items, company_events,
custom_kpis). Same seed, end date and sizes give identical tables.
Timestamps are TEXT 'YYYY-MM-DD HH:MM:SS' in UTC, dates TEXT 'YYYY-MM-DD', all
within [end_date - days + 1, end_date] -- except ``orders.promised_at``, which for
the last orders lies up to three days after end_date. ``delivered_at`` is NULL
while an order is in transit, ``closed_at`` while a contact is open.

Planted stories (all dates count back from ``end_date``, the last day with data;
"day -N" means N days before it):

* North delivery slowdown, days -29 .. 0 (``slowdown_dates(end_date)``, 30 days):
  North orders placed from day -29 take 1.9x longer to deliver (median ~26 h ->
  ~49 h), on-time (delivered_at <= promised_at) falls from ~92% to ~55%.
  Delivery-touchpoint survey answers come from the delivered orders and late
  ones mostly score as detractors (late customers also answer more often), so
  North NPS drops by ~30 points against days -59 .. -30 (``baseline_dates``);
  other regions stay within a few points. 'where is my order' contacts and
  'faster delivery' / 'order tracking' feedback rise in North. Event:
  'Carrier change in North region' (incident) on day -29.
* 'Checkout outage' (incident) on day -270, two days: 'payment failed' contacts
  ~x12 then ~x4, checkout NPS/CSAT/CES collapse, orders dip 35%.
* 'Faster refunds' (release) on day -365: refund-request CES 5.7 -> 6.5, handle
  time 5 -> 4 minutes, return_refund_days 5.3 -> 3.0 within two weeks.
* 'Free shipping for plus and pro' (programme) on day -455: plus/pro orders
  pay no standard shipping from then on.
* 'Dark mode' (release) day -400 and 'Refer-a-friend programme' day -600:
  their feedback themes fade afterwards; the programme lifts referral signups.
* Always: 'plan correction' ~2% of contacts with CES ~2.0 and ~35 min handle;
  'refund request' ~30%. Price index drifts 103 -> 98, selection grows ~25%
  over two years, in-stock ~95% with a December dip, a December order peak and
  quiet Sundays, CAC referral < organic < social < paid search, monthly churn
  ~2% and NRR ~105%. A few survey comments hold an email address, phone
  numbers, ``<b>html</b>``, a Markdown link and a ``<script>`` tag (masking and
  safe-rendering tests).

Example:
    >>> from datetime import date
    >>> from connectors.demo.story import slowdown_dates
    >>> slowdown_dates(date(2026, 11, 22))
    (datetime.date(2026, 10, 24), datetime.date(2026, 11, 22))
"""
