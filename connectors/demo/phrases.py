"""What customers write, as fragments: survey comments, contact notes and feedback.

Why fragments: a comment is composed from an opener, a core about the topic, a
detail and a closer, picked at random, so a demo holds thousands of different
texts that still read as one person wrote them. The core is chosen by what
happened to the customer (a late parcel, a price rise, a slow support reply),
so comments match their scores.

Each bank is a tuple of strings; empty strings make a part optional.
"""

from __future__ import annotations

NEGATIVE, NEUTRAL, POSITIVE = 0, 1, 2

OPENERS = (
    (
        "", "", "", "Really disappointed. ", "Not happy at all. ", "This is the second time. ",
        "Long-time customer here. ", "I'll keep it short. ", "Where do I start. ",
        "Sorry, but no. ",
    ),
    ("", "", "", "Mostly fine. ", "It was okay. ", "Mixed feelings. ", "Not bad, not great. ",
     "Decent. ", "Overall alright. "),
    ("", "", "", "Love it! ", "Great experience. ", "Spot on. ", "Really impressed. ",
     "Five stars from me. ", "Brilliant. ", "Thank you! "),
)  # fmt: skip

CLOSERS = (
    ("", "", "Please fix this.", "I'm thinking about cancelling.", "Not what I pay for.",
     "Will shop elsewhere if this continues.", "Expected better.", "Someone should look into this.",
     "Very frustrating."),
    ("", "", "Could be better.", "Room for improvement.", "Would still order again.",
     "Keep working on it.", "Fine for now."),
    ("", "", "Keep it up!", "Will recommend to friends.", "Best shop I use.", "Thanks to the team.",
     "Will definitely order again.", "Couldn't be happier."),
)  # fmt: skip

# Survey comments: (topic, sentiment, cores, details).
LATE_DELIVERY_CORES = (
    # (text before the lateness, text after it), e.g. "My order showed up " + "2 days" + " late."
    ("The delivery came ", " late. "),
    ("My order showed up ", " after the promised time. "),
    ("Parcel arrived ", " later than promised. "),
    ("Waited an extra ", " for my order. "),
    ("Got my order ", " late and nobody told me why. "),
    ("Delivery was ", " behind schedule. "),
)
LATE_DELIVERY_DETAILS = (
    "", "", "Tracking just said 'in transit' the whole time. ",
    "I had to take a day off to wait for it. ", "The chilled items were warm. ",
    "No email, no update, nothing. ", "I had to ask support where it was. ",
    "The promised date means nothing apparently. ", "It was a birthday present, now too late. ",
)  # fmt: skip
NORTH_CARRIER_DETAILS = (
    "Since you switched couriers it has been a mess. ",
    "The new carrier is much slower than the old one. ",
    "Parcels in our area now sit in the depot for days. ",
    "Never had this problem before last month. ",
    "The new driver couldn't find our street. ",
    "Whoever delivers up here now is hopeless. ",
)

SURVEY_TOPICS: dict[str, tuple[int, tuple[str, ...], tuple[str, ...]]] = {
    "delivery_bad": (
        NEGATIVE,
        ("The box was crushed when it arrived. ", "Driver left the parcel in the rain. ",
         "Half of my items were missing. ", "Delivery slot was changed without asking. ",
         "Shipping is too expensive for small orders. ", "The courier was rude. ",
         "Items were swapped for substitutes I didn't want. "),
        ("", "", "Second time this happened. ", "I sent photos to support. ",
         "Not acceptable for the price. ", "Prices keep going up too. "),
    ),
    "delivery_ok": (
        NEUTRAL,
        ("Delivery was on time but the packaging was excessive. ",
         "Arrived as promised, nothing special. ",
         "Fine delivery, though the time window is too wide. ",
         "Got everything, one item was dented. ", "On time, but I wish I could choose the slot. ",
         "Arrived fine, the tracking could be clearer. "),
        ("", "", "Shipping cost is a bit high. ", "The driver was in a hurry. "),
    ),
    "delivery_good": (
        POSITIVE,
        ("Arrived a day early! ", "Super fast delivery. ", "Delivery was right on time. ",
         "The driver was friendly and careful. ", "Everything arrived fresh and well packed. ",
         "Ordered in the evening, had it the next day. ", "Tracking was accurate to the minute. "),
        ("", "", "Exactly what I needed. ", "Much better than other shops. ",
         "Love the reusable packaging. ", "Free shipping makes it even better. "),
    ),
    "checkout_bad": (
        NEGATIVE,
        ("Prices went up again. ", "The same item is cheaper elsewhere. ",
         "Payment failed three times before it worked. ", "Checkout kept timing out. ",
         "Vouchers never apply at checkout. ", "The shipping fee only appears at the last step. ",
         "Too many steps to pay. "),
        ("", "", "I nearly gave up. ", "Compared prices and you lost. ", "Fix the basics first. "),
    ),
    "checkout_ok": (
        NEUTRAL,
        ("Checkout works but is slow. ", "Prices are okay, not the cheapest. ",
         "Paying is fine, I'd like more payment options. ", "Had to re-enter my address again. "),
        ("", "", "Not a big deal. ", "Competitors are similar. "),
    ),
    "checkout_good": (
        POSITIVE,
        ("Checkout took seconds. ", "Great prices this week. ", "Paying in the app is so easy. ",
         "Love that my card is saved. ", "Prices are lower than in the supermarket. "),
        ("", "", "Saved me real money this month. ", "Smooth as it should be. "),
    ),
    "app_bad": (
        NEGATIVE,
        ("The app crashes when I open my orders. ", "Search never finds what I type. ",
         "The app logs me out all the time. ", "Too many notifications. ",
         "The new layout is confusing. ", "Can't find my past orders in the app. "),
        ("", "", "Using the website instead now. ", "Reinstalled twice, same thing. "),
    ),
    "app_ok": (
        NEUTRAL,
        ("The app is fine but a bit slow. ", "Would love a dark mode. ",
         "Search could be smarter. ", "Okay app, some buttons are tiny. "),
        ("", "", "Does the job. ", "Small things add up. "),
    ),
    "app_good": (
        POSITIVE,
        ("The app is fast and simple. ", "Reordering my usual basket takes one tap. ",
         "Love the new design. ", "Best shopping app I have. ", "Finding products is easy. "),
        ("", "", "Dark mode is lovely. ", "My kids can use it too. "),
    ),
    "support_bad": (
        NEGATIVE,
        ("Support took days to answer. ", "I was transferred three times. ",
         "Nobody could fix my plan. ", "The chat bot was useless. ",
         "I'm still waiting for my refund. ", "Support closed my ticket without solving it. "),
        ("", "", "I had to repeat everything each time. ", "Nobody owns the problem. "),
    ),
    "support_ok": (
        NEUTRAL,
        ("Support solved it eventually. ", "Friendly agent but it took long. ",
         "Refund came, just slower than I hoped. ", "Had to explain my problem twice. "),
        ("", "", "Fine in the end. ", "Could be quicker. "),
    ),
    "support_good": (
        POSITIVE,
        ("Support sorted it out in minutes. ", "The agent was kind and quick. ",
         "Refund was in my account the next day. ", "Great help on the chat. ",
         "They called me back as promised. "),
        ("", "", "Made my day. ", "That's how service should be. "),
    ),
}  # fmt: skip

# Support contacts: what the customer wrote, by contact reason.
CONTACT_REASONS = (
    "refund request",
    "where is my order",
    "damaged item",
    "payment failed",
    "account access",
    "address change",
    "cancel subscription",
    "plan correction",
)
CONTACT_CORES = {
    "refund request": (
        "I returned the item two weeks ago and want my money back. ",
        "Please refund my last order, it was wrong. ", "Where is my refund? ",
        "I sent the parcel back, what happens now? ", "The refund amount is wrong. ",
        "Returned a jacket, need the refund before my card bill. ",
    ),
    "where is my order": (
        "My order still hasn't arrived. ", "Tracking hasn't moved for two days. ",
        "The order was due yesterday. ", "Where is my parcel? ",
        "Courier says delivered but there's nothing here. ", "Is my order lost? ",
    ),
    "damaged item": (
        "The jar was broken when it arrived. ", "The screen has a crack. ",
        "The box was soaked through. ", "Half the eggs were smashed. ",
        "The lamp arrived in pieces. ", "The shoes are scuffed, clearly used. ",
    ),
    "payment failed": (
        "My card was charged but the order failed. ", "Payment keeps getting declined. ",
        "I was charged twice. ", "Checkout says error and I can't pay. ",
        "The payment page hangs at the last step. ",
    ),
    "account access": (
        "I can't log in. ", "The password reset email never arrives. ",
        "My account is locked. ", "The two-factor code doesn't work. ",
        "I changed phones and lost access. ",
    ),
    "address change": (
        "Please change my delivery address. ",
        "I moved and need to update the address on my open order. ",
        "Wrong house number on my order. ", "Can you deliver to my office instead? ",
    ),
    "cancel subscription": (
        "I want to cancel my plan. ", "How do I stop my subscription? ",
        "Please cancel, it's too expensive for me now. ", "Cancel at the end of the month please. ",
        "I don't use it enough, please cancel. ",
    ),
    "plan correction": (
        "I was billed for pro but I'm on plus. ", "My plan changed without me asking. ",
        "I downgraded but still pay the old price. ",
        "Wrong plan on my invoice for three months. ",
        "I need my plan corrected and the difference refunded. ",
    ),
}  # fmt: skip
CONTACT_DETAILS = {
    "refund request": ("", "", "Order number is on the return label. ", "I have the receipt. "),
    "where is my order": ("", "", "I need it for the weekend. ", "Nobody answers at the depot. ",
                          "Is there a problem with the new courier? ",
                          "Neighbours are waiting for parcels too. "),
    "damaged item": ("", "", "Photos attached. ", "I'd like a replacement, not a refund. "),
    "payment failed": ("", "", "Tried two different cards. ", "My bank says it's on your side. "),
    "account access": ("", "", "I've tried three times. ", "I have an order coming. "),
    "address change": ("", "", "The order ships tomorrow. ", "Sorry for the hassle. "),
    "cancel subscription": ("", "", "Nothing personal. ", "Maybe I'll be back later. "),
    "plan correction": ("", "This is my third contact about it. ",
                        "Nobody can change it on their side. ",
                        "I've been sent between billing and support. ",
                        "It took ages to explain. "),
}  # fmt: skip
CONTACT_OPENERS = (
    "", "", "", "Hi. ", "Hello. ", "Hi there. ", "Good morning. ", "Quick question. ",
    "Urgent. ", "Me again. ", "Hello support team. ",
)  # fmt: skip
CONTACT_SIGNOFFS = (
    "", "", "", "", "Regards, Tom", "Best, Anna", "Cheers, Sam", "Thanks, Priya",
    "Kind regards, M. Weber", "Jo", "Sent from my phone",
)  # fmt: skip
CONTACT_CLOSERS = (
    ("Took forever. ", "Very annoying. ", "Still not fixed. ", "This should be simple. ",
     "Third time asking. ", ""),
    ("", "", "Thanks. ", "OK in the end. ", "Let me know. "),
    ("Quick and easy, thanks! ", "Sorted in minutes. ", "Great help. ", "", "Thanks a lot. "),
)  # fmt: skip

# Feedback: requests by theme, in the customer's (or the account manager's) words.
FEEDBACK_THEMES = (
    "referrals",
    "faster delivery",
    "dark mode",
    "bulk ordering",
    "invoice export",
    "plan flexibility",
    "order tracking",
    "gift cards",
)
FEEDBACK_CORES = {
    "referrals": ("Give me a code to invite friends. ",
                  "A referral bonus would get my whole office to sign up. ",
                  "My sister wants to join, can we both get a discount? ",
                  "Reward customers who bring friends. "),
    "faster delivery": ("Same-day delivery would be amazing. ",
                        "Deliveries take longer than they used to. ",
                        "Need evening delivery slots. ", "Next-day should be the default. ",
                        "Deliveries in my area got slow. "),
    "dark mode": ("Please add dark mode. ", "The app is blinding at night. ",
                  "Dark theme for the website too please. ", "My eyes hurt using the app late. "),
    "bulk ordering": ("We order for the whole office, let us upload a list. ",
                      "Need to order 50 units without clicking 50 times. ",
                      "Bulk prices for larger orders would help. ",
                      "A quick-order form by SKU would save us hours. "),
    "invoice export": ("Our accounting needs a PDF invoice for every order. ",
                       "Let me export all invoices as CSV. ",
                       "Monthly invoice summary for the finance team please. ",
                       "Invoices should show our VAT number. "),
    "plan flexibility": ("Let me pause my subscription over summer. ",
                         "Switching plans should be self-service. ",
                         "I want to change plan mid-month without calling support. ",
                         "A yearly plan option would be nice. "),
    "order tracking": ("Show me where the driver is. ", "Tracking updates are too vague. ",
                       "I want a notification when the parcel is one stop away. ",
                       "Tracking stopped updating for days. "),
    "gift cards": ("I'd love to give a gift card for birthdays. ",
                   "Corporate gift cards for our team please. ",
                   "Digital gift cards by email would be perfect. "),
}  # fmt: skip
FEEDBACK_CONTEXT = (
    "", "", "Would pay more for this. ", "Competitors already have it. ",
    "Asked for this before. ", "It's the one thing missing. ", "Our team would use it daily. ",
)  # fmt: skip
FEEDBACK_CLOSERS = ("", "", "Thanks!", "Please consider it.", "Keep up the good work.")
FEEDBACK_SOURCE_PREFIX = {
    "support": ("", "Customer on chat: ", "From a support call: "),
    "survey": ("",),
    "sales": ("Customer asked in renewal call: ", "Account manager note: ", ""),
    "product": ("From user interview: ", "Usability session: ", ""),
}

# Comments planted so the app's masking and safe rendering can be tested:
# (survey, score, touchpoint, text). Phone numbers and addresses are fictional
# (Ofcom drama range, 555-01xx, example.com/.org).
SPECIAL_SURVEY_COMMENTS = (
    ("nps", 2, "delivery", "Courier never showed up. Call me on +44 20 7946 0958 to sort it out."),
    ("nps", 3, "support", "Please email jane.doe@example.com about the refund, asked 3 times."),
    ("nps", 10, "app", "Great service, my colleague max.mustermann@example.org recommended you."),
    ("nps", 4, "app", "Phone me on 555-0142, the app keeps logging me out."),
    ("nps", 1, "delivery", "Contact: +49 170 1234567. Delivery came 4 days late again."),
    ("nps", 6, "checkout", "Why does my receipt show <b>html</b> instead of bold text?"),
    ("nps", 8, "app", "I wrote up the whole story here: [click](http://example.com)"),
    ("nps", 7, "app", "Search is odd <script>alert('hi')</script> when I paste my list."),
)
SPECIAL_CONTACT_COMMENTS = (
    "Please call me back on 555-0199, I'm at work until 6.",
    "Send the invoice to accounts@example.net, not my personal address.",
)
