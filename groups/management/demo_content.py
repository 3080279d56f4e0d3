"""Demo content for seeding Haven.

Pure data, no logic: the seeding command imports these constants and creates groups,
members, facilitators, threads and replies from them. Everything here is fictional.

Shapes:

- ``GROUPS``: one dict per group, with field values matching ``groups.SupportGroup``.
- ``HANDLES`` / ``BIOS``: 40 member pseudonyms and 40 one-line bios (pair them by index).
- ``FACILITATORS``: ``{"handle", "bio", "title"}``.
- ``THREADS``: group slug -> list of ``{"title", "body", "content_warning",
  "content_topics", "replies"}``.
  A reply is ``{"body", "replies"}`` (nested the same way) plus, only in groups that allow
  it, an optional ``"anonymous": True``. Threads with ``"replies": []`` are deliberately
  unanswered.
- ``FLAGGED_POST``: a misinformation reply a member would report.
- ``CRISIS_POST``: a post expressing suicidal thoughts, used to seed a demo crisis alert.
  It contains no method detail and must only ever be seeded for demos.
- ``PENDING_POST``: a harmless first post that waits for pre-moderation.
- ``JOIN_REQUEST_ANSWERS``: answers to the Caregivers / LGBTQ+ Wellbeing entry questions
  (the first two fit Caregivers, the third fits LGBTQ+ Wellbeing).
"""

from __future__ import annotations

# Topic groups.
GROUPS = [
    {
        "name": "Anxiety & Panic",
        "slug": "anxiety-panic",
        "description": (
            "A calm corner for anyone living with anxiety, worry or panic attacks. Share what has "
            "been hard, what has helped, and the small wins in between. This group is gently "
            "overseen by a qualified professional facilitator."
        ),
        "guidelines": (
            "1. **Be kind.** Everyone here is doing their best, even on days when it doesn't look "
            "like much.\n"
            "2. **Share experiences, not instructions.** Say what helped *you* rather than telling "
            "others what they must do.\n"
            "3. **No medical advice.** Please talk to your GP, pharmacist or prescriber about "
            "symptoms and medication.\n"
            "4. **Use a content warning** when describing physical symptoms or health fears in "
            "detail.\n"
            "5. **In an emergency,** contact emergency services or use the crisis resources pinned "
            "at the top of every page."
        ),
        "visibility": "listed",
        "join_policy": "open",
        "entry_question": "",
        "posting_policy": "open",
        "premoderate_first_n": 0,
        "facilitation": "professional",
        "slow_mode_seconds": 0,
        "min_account_age_hours": 0,
        "allow_anonymous": False,
    },
    {
        "name": "Low Mood & Depression",
        "slug": "low-mood-depression",
        "description": (
            "A space for the heavy days and the slightly lighter ones. Whether you have lived with "
            "depression for years or are just noticing that something isn't right, you are welcome "
            "here. You can post anonymously if that feels safer."
        ),
        "guidelines": (
            "1. **Be gentle** with each other, and with yourself.\n"
            "2. **New members' first two posts are reviewed** by a facilitator before they appear. "
            "This is routine, not a judgement.\n"
            "3. **No advice about starting, stopping or changing medication.** Encourage people to "
            "speak to their prescriber instead.\n"
            "4. **Use content warnings** for self-harm and other difficult topics, and keep "
            "descriptions non-graphic.\n"
            "5. **Worried about someone's safety?** Use the Report button. A facilitator will "
            "follow up, and crisis resources are always pinned at the top.\n"
            "6. **Respect anonymity.** Never try to work out who an anonymous poster is."
        ),
        "visibility": "listed",
        "join_policy": "open",
        "entry_question": "",
        "posting_policy": "first_n",
        "premoderate_first_n": 2,
        "facilitation": "professional",
        "slow_mode_seconds": 0,
        "min_account_age_hours": 0,
        "allow_anonymous": True,
    },
    {
        "name": "Grief & Loss",
        "slug": "grief-loss",
        "description": (
            "For anyone who is grieving: a person, a pet, a relationship, or a future you had "
            "imagined. There is no right way and no right timeline to grieve. Come as you are, as "
            "often as you need."
        ),
        "guidelines": (
            "1. **All losses are welcome.** Nobody's grief is too big, too small or too long ago.\n"
            "2. **Listen before advising.** Often the kindest reply is simply 'I hear you'.\n"
            "3. **Use a content warning** when describing the circumstances of a death, and keep "
            "details non-graphic.\n"
            "4. **Slow mode is on:** you can post once a minute. It helps conversations stay "
            "thoughtful.\n"
            "5. **Respect beliefs.** Members have many different views about death and what comes "
            "after; please don't debate them here."
        ),
        "visibility": "listed",
        "join_policy": "open",
        "entry_question": "",
        "posting_policy": "open",
        "premoderate_first_n": 0,
        "facilitation": "peer",
        "slow_mode_seconds": 60,
        "min_account_age_hours": 0,
        "allow_anonymous": False,
    },
    {
        "name": "Caregivers",
        "slug": "caregivers",
        "description": (
            "For people looking after a partner, parent, child or friend with physical or mental "
            "health needs. Vent, swap practical tips, and remember that your wellbeing matters "
            "too. Membership is by request so the group stays focused on carers."
        ),
        "guidelines": (
            "1. **Protect privacy.** Don't share names, photos or identifying details of the "
            "person you care for.\n"
            "2. **Venting is allowed.** Frustration and exhaustion don't make anyone a bad carer.\n"
            "3. **Practical tips are welcome,** but local services and rules differ, so check with "
            "the relevant professional before acting on them.\n"
            "4. **Use a content warning** for detailed medical descriptions.\n"
            "5. **Look after each other.** If a member seems to be struggling badly, reply kindly "
            "and use the Report button so someone can check in."
        ),
        "visibility": "listed",
        "join_policy": "request",
        "entry_question": (
            "Could you tell us a little about your caring role and what you hope to get from the "
            "group? Please leave out names and other identifying details."
        ),
        "posting_policy": "open",
        "premoderate_first_n": 0,
        "facilitation": "peer",
        "slow_mode_seconds": 0,
        "min_account_age_hours": 0,
        "allow_anonymous": False,
    },
    {
        "name": "Students",
        "slug": "students",
        "description": (
            "For students at college, university or in training who are juggling study, money, "
            "friendships and mental health. Exam panic, homesickness and imposter feelings are all "
            "welcome here. New accounts can post after 24 hours, which helps keep spam out."
        ),
        "guidelines": (
            "1. **Be kind and inclusive.** Every course, age and background is welcome.\n"
            "2. **Don't name your institution, tutors or classmates.** Keep posts about your "
            "experience, not about identifiable people.\n"
            "3. **No essay or assignment services,** and no links selling anything.\n"
            "4. **Share what helped you,** and point people to their student wellbeing service "
            "when things feel big.\n"
            "5. **In a crisis,** use the resources pinned at the top of the page rather than "
            "waiting for a reply."
        ),
        "visibility": "listed",
        "join_policy": "open",
        "entry_question": "",
        "posting_policy": "open",
        "premoderate_first_n": 0,
        "facilitation": "peer",
        "slow_mode_seconds": 0,
        "min_account_age_hours": 24,
        "allow_anonymous": False,
    },
    {
        "name": "LGBTQ+ Wellbeing",
        "slug": "lgbtq-wellbeing",
        "description": (
            "A private, affirming space for LGBTQ+ people to talk about mental health, identity, "
            "family, relationships and community. Posts are visible to members only, and you can "
            "post anonymously. The group is facilitated by a professional experienced in LGBTQ+ "
            "affirming care."
        ),
        "guidelines": (
            "1. **Respect everyone's identity,** names and pronouns, always.\n"
            "2. **What is shared here stays here.** Never share anyone's identity or story outside "
            "the group; outing someone leads to removal.\n"
            "3. **No debating whether anyone's identity is valid.**\n"
            "4. **Go at your own pace.** Nobody has to share more than they want to, and anonymous "
            "posting is always fine.\n"
            "5. **Use content warnings** for discrimination, family conflict or other heavy topics."
        ),
        "visibility": "private",
        "join_policy": "request",
        "entry_question": (
            "What brings you to LGBTQ+ Wellbeing, and what would help this feel like a safe space "
            "for you? Share only what you are comfortable with."
        ),
        "posting_policy": "open",
        "premoderate_first_n": 0,
        "facilitation": "professional",
        "slow_mode_seconds": 0,
        "min_account_age_hours": 0,
        "allow_anonymous": True,
    },
]

# Member pseudonyms. They follow accounts.validators (no reserved fragments).
HANDLES = [
    "quiet_harbour",
    "tea_and_toast",
    "MoonlitFern",
    "pebble_in_pocket",
    "slow_tide",
    "LanternKeeper",
    "fern_and_fog",
    "bluebell_days",
    "RainOnSlate",
    "marigold_morning",
    "kestrel_7",
    "paper_boats",
    "oat_milk_latte",
    "WrenWanders",
    "gentle_gale",
    "thistle_down",
    "sunday_crossword",
    "NightOwlNotes",
    "puddle_jumper",
    "cobalt_kite",
    "linden_leaf",
    "mossy_steps",
    "biscuit_tin",
    "amberlight_walks",
    "EchoValley",
    "sparrow_song",
    "tidepool22",
    "wool_socks",
    "small_victories",
    "cloud_counting",
    "porch_swing",
    "OrchardGrey",
    "river_stones",
    "honeybee_hum",
    "distant_lighthouse",
    "quill-and-ink",
    "late_bloomer",
    "copper_kettle",
    "snowdrop_soul",
    "hedgehog_hugs",
]

# One bio per handle, paired by index.
BIOS = [
    "Learning to be kinder to myself, one cup of tea at a time.",
    "Long-time worrier, new-ish to talking about it. Here to listen as much as to share.",
    "Dog walker, terrible gardener, slowly getting better at asking for help.",
    "Recovering perfectionist. Some days are good, some days are just days.",
    "Night-shift worker. Often around in the small hours if anyone wants a chat.",
    "Grieving and finding my way. Grateful for this corner of the internet.",
    "Carer for a family member. I collect coping tips the way other people collect stamps.",
    "Student, overthinker, fan of long walks and bad puns.",
    "A few years into managing depression. Still here, still learning.",
    "I read a lot, knit a little, and try to remember to breathe.",
    "Panic attacks used to run my life. Now they just visit occasionally.",
    "Queer, quietly hopeful, and always up for a book recommendation.",
    "Parent of a teenager with anxiety. Learning alongside them.",
    "Taking things one morning at a time.",
    "Here because talking helps, even when it's hard to start.",
    "Baker of slightly wonky bread. Believer in small victories.",
    "Mature student juggling lectures, a part-time job and my own head.",
    "Lost my partner a couple of years ago. Still finding the words.",
    "Former lurker. Finally brave enough to post.",
    "Love the sea, struggle with winters. Light box enthusiast.",
    "Caring for a parent with dementia. Tired but hanging on.",
    "Recently out and figuring out the rest of it.",
    "Learning that rest isn't laziness.",
    "Allotment, audiobooks and a very opinionated cat.",
    "Social anxiety veteran. I'll probably reply three days late, sorry!",
    "In therapy, on meds, and finally feeling a bit more like me.",
    "Here to offer a listening ear and the occasional terrible joke.",
    "Grief comes in waves. I'm learning to swim.",
    "Final-year student counting down the weeks.",
    "Trying to unlearn 'I'm fine'.",
    "Crossword fan. I find words comforting, even the hard ones.",
    "Living with health anxiety and slowly making peace with it.",
    "Sibling carer. Big believer in respite breaks and good biscuits.",
    "Trans, tired, and finding my people.",
    "I walk a lot. It helps more than I expected it to.",
    "Some weeks I need the encouragement, some weeks I can give it.",
    "Quiet most of the time, but I read everything and I'm rooting for you.",
    "Postgrad researcher learning to leave work at the door.",
    "Early riser, slow thinker, patient listener.",
    "Still figuring it out. That's allowed.",
]

# Facilitator accounts (the seeder gives them the facilitator role).
FACILITATORS = [
    {
        "handle": "harbourlight",
        "bio": (
            "Over ten years in community mental health. I'm here to listen, keep this space safe, "
            "and point to further help when it's needed."
        ),
        "title": "Licensed clinical social worker",
    },
    {
        "handle": "northstar_care",
        "bio": (
            "I work with adults experiencing anxiety and low mood. Here a few times a week to "
            "read, reply and help keep conversations kind."
        ),
        "title": "Counselling psychologist",
    },
    {
        "handle": "willow_path",
        "bio": (
            "Trained peer worker with my own lived experience of depression and grief. I help look "
            "after the peer-led groups."
        ),
        "title": "Peer support specialist",
    },
]

# Threads per group slug. A thread with no replies appears in "unanswered".
THREADS = {
    "anxiety-panic": [
        {
            "title": (
                "First panic attack at work today - how do you get through the rest of the day?"
            ),
            "body": (
                "It happened in a meeting, out of nowhere. Heart racing, hands tingling, and I "
                "felt like I couldn't get a full breath. I made an excuse and sat in the bathroom "
                "for twenty minutes. I'm home now but completely drained, and dreading tomorrow. "
                "How do you all cope with the *after* part?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "That sounds really frightening, and you still got yourself somewhere safe "
                        "and made it home. That counts. The after-part for me is a bone-deep "
                        "tiredness. I've learned to treat it like recovering from a sprint: water, "
                        "something warm to eat, an early night, no big decisions."
                    ),
                    "replies": [
                        {
                            "body": (
                                "Thank you. 'Recovering from a sprint' actually helps. I was "
                                "treating it like I'd failed at something."
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "You didn't fail at anything. Your body set off a false "
                                        "alarm, that's all. It's exhausting, but it isn't "
                                        "dangerous, even though it feels like it."
                                    ),
                                    "replies": [
                                        {
                                            "body": (
                                                "Writing that on a sticky note for my desk. *False "
                                                "alarm, not danger.*"
                                            ),
                                            "replies": [],
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "For tomorrow, a few things that helped me go back after mine:\n\n"
                        "- Decide in advance where you'd go if you needed five minutes\n"
                        "- Keep water and something to sip in your bag\n"
                        "- Tell *one* person you trust, if that feels OK\n\n"
                        "You don't have to explain everything, just enough that you don't feel "
                        "like you're hiding."
                    ),
                    "replies": [
                        {
                            "body": (
                                "Seconding the 'one person' idea. I told a colleague I sometimes "
                                "get panic attacks and she just said 'OK, what do you need if it "
                                "happens?' It took so much weight off."
                            ),
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": (
                        "Welcome, and I'm really glad you posted. If panic attacks keep happening, "
                        "it's worth mentioning to your GP. Talking therapies such as CBT have good "
                        "evidence for panic, and in England you can refer yourself to NHS Talking "
                        "Therapies. There's more on the NHS mental health pages: "
                        "https://www.nhs.uk/mental-health/"
                    ),
                    "replies": [
                        {
                            "body": (
                                "I didn't know you could self-refer. That's really useful, thank "
                                "you."
                            ),
                            "replies": [],
                        },
                    ],
                },
            ],
        },
        {
            "title": "Does anyone else get anxious about replying to messages?",
            "body": (
                "I have fourteen unread messages right now, all from people I like. Every time I "
                "open one I freeze, worry about saying the wrong thing, close it again, and then "
                "feel guilty for not replying. The longer I leave it, the worse it gets. Is this a "
                "common anxiety thing or just me?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "Extremely common. I call it the guilt snowball. The longer it rolls, the "
                        "bigger it gets, and none of it is about the actual message."
                    ),
                    "replies": [
                        {
                            "body": (
                                "Guilt snowball is so accurate. Mine is currently the size of a "
                                "small car."
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "Ha, mine too. What helps me is replying to the *easiest* "
                                        "one first, even if it's just 'Sorry I've been quiet, "
                                        "thinking of you'. One reply breaks the spell a bit."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "A trick from my therapist: set a ten-minute timer, reply to as many as "
                        "you can, and stop when it rings. Short replies are fine. Nobody is "
                        "grading them."
                    ),
                    "replies": [
                        {
                            "body": (
                                "I tried this last night and got through five! Short and "
                                "imperfect, but sent. Thank you."
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "Five is brilliant. Please take a moment to celebrate that."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Also worth saying: most people are far less bothered by a slow reply than "
                        "our anxious brains predict. When friends reply late to me, I'm just happy "
                        "to hear from them."
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "title": "Health anxiety spiral after googling symptoms",
            "body": (
                "I had a headache for three days and ended up reading about every frightening "
                "thing it could be. I know, logically, it's probably tension and bad sleep, but I "
                "can't switch off the 'what if'. I've got a GP appointment on Thursday. How do "
                "people stop the checking and googling while they wait?"
            ),
            "content_warning": "health worries",
            "replies": [
                {
                    "body": (
                        "Oh, the googling. I've been there so many times. In the end I deleted the "
                        "browser app from my phone for a while. It sounds extreme, but it stopped "
                        "the 3am searches."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "Something that helped me:\n\n"
                        "1. Write the worry down once, properly, including what you want to ask "
                        "the GP\n"
                        "2. Tell yourself the worry now has a 'home' until Thursday\n"
                        "3. Each time the urge to check comes, remind yourself it's already "
                        "written down\n\n"
                        "It doesn't make the anxiety vanish, but it gives it fewer places to go."
                    ),
                    "replies": [
                        {
                            "body": (
                                "I like the idea of giving the worry a home. Going to try this "
                                "tonight."
                            ),
                            "replies": [],
                        },
                        {
                            "body": (
                                "This is close to what my CBT therapist called *worry "
                                "postponement*. It felt silly at first and then genuinely helped."
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "Did you get CBT through your GP? I've been wondering "
                                        "whether it's worth asking."
                                    ),
                                    "replies": [
                                        {
                                            "body": (
                                                "Yes, through my GP, though in some areas you can "
                                                "refer yourself. There was a waiting list of a few "
                                                "months, but it was worth it for me."
                                            ),
                                            "replies": [
                                                {
                                                    "body": (
                                                        "Thanks, that's helpful. I'm going to ask "
                                                        "about it on Thursday while I'm there "
                                                        "anyway."
                                                    ),
                                                    "replies": [],
                                                },
                                            ],
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Well done for booking the appointment. That's the step that actually "
                        "answers the question, which searching never does. Health anxiety is very "
                        "treatable, and it's absolutely fine to tell your GP that the worry itself "
                        "is a big part of what's going on."
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "title": "Small win: I took the bus for the first time in a year",
            "body": (
                "It was only four stops and I had my headphones in the whole time, but I did it. "
                "My heart was pounding when the doors closed, so I counted things I could see out "
                "of the window. Just wanted to share it somewhere people would understand why it "
                "matters."
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "This is HUGE. Four stops is four stops more than last year. Well done!"
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "Counting things out of the window is such a good grounding trick. You "
                        "used your tools exactly when you needed them."
                    ),
                    "replies": [
                        {
                            "body": (
                                "Thank you. I didn't even think of it as using a tool, it just "
                                "sort of happened. Maybe the practice is working."
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "It absolutely is. That's what practice looks like: it "
                                        "starts happening without you having to plan it."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "This made me smile this morning. What's the next step, if you have one in "
                        "mind?"
                    ),
                    "replies": [
                        {
                            "body": "Maybe a longer trip into town with a friend. No rush, though.",
                            "replies": [
                                {
                                    "body": (
                                        "No rush is exactly right. Build on it at your own pace."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": "Celebrating with you from here!",
                    "replies": [],
                },
            ],
        },
        {
            "title": "Breathing exercises make my anxiety worse - is that normal?",
            "body": (
                "Everyone recommends deep breathing, but when I focus on my breath I start "
                "noticing my heartbeat and my chest, and it tips me *into* panic. Has anyone else "
                "found this? Are there alternatives?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "Yes! You're definitely not alone. For some of us, focusing on the body "
                        "makes us more aware of the very sensations we're scared of. I do better "
                        "with grounding through the senses instead."
                    ),
                    "replies": [
                        {
                            "body": "What does that look like for you?",
                            "replies": [
                                {
                                    "body": (
                                        "The 5-4-3-2-1 exercise: five things I can see, four I can "
                                        "touch, three I can hear, two I can smell, one I can "
                                        "taste. It keeps my attention *outside* my body."
                                    ),
                                    "replies": [
                                        {
                                            "body": (
                                                "I'd heard of this but never tried it. I'm going "
                                                "to practise when I'm calm first, so it's easier "
                                                "to remember when I'm not."
                                            ),
                                            "replies": [
                                                {
                                                    "body": (
                                                        "Practising when calm is the secret, "
                                                        "honestly. It's like a fire drill."
                                                    ),
                                                    "replies": [],
                                                },
                                            ],
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Cold water on my face, or holding an ice cube, helps me. Weirdly "
                        "effective."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "This is a really common experience, and it's useful that you've noticed "
                        "it. Some people find a slow, longer out-breath helps more than 'deep' "
                        "breathing, and others do better with movement or grounding. There's no "
                        "single right technique. If breathing work is part of your therapy, let "
                        "your therapist know so they can adapt it."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "Humming helps me, which sounds odd. It slows my breathing down without me "
                        "having to think about breathing."
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "title": "Sunday night dread before the working week",
            "body": (
                "Every Sunday from about 4pm my stomach starts churning. By the evening I'm "
                "irritable and can't concentrate on anything. Work is fine once I'm actually "
                "there. Does anyone have a Sunday routine that helps?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "I plan something small and nice for Sunday evening: a film, a bath, a "
                        "phone call. It gives my brain something else to look forward to."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "Writing a list of Monday's first three tasks on Friday afternoon helped "
                        "me. Then on Sunday there's less of the unknown to worry about."
                    ),
                    "replies": [
                        {
                            "body": "Oh, that's clever. Future me gets a little map.",
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": (
                        "If the dread has been getting worse, it might be worth asking whether "
                        "something specific at work is feeding it. Sometimes it's general anxiety, "
                        "sometimes it's one particular meeting or person."
                    ),
                    "replies": [
                        {
                            "body": (
                                "That's a fair point. It's been worse since a new manager started. "
                                "I hadn't connected the two until now."
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "That's a really useful thing to notice. It might be worth "
                                        "talking it through with someone you trust, or with "
                                        "occupational health if your workplace has it."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
            ],
        },
        {
            "title": "Caffeine and anxiety - did cutting down help?",
            "body": (
                "I drink about four coffees a day and I've read that caffeine can make anxiety "
                "worse. I'm worried about withdrawal headaches, though. Did anyone cut down and "
                "notice a difference?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "A massive difference for me. My heart stopped racing in the afternoons. I "
                        "cut down slowly: half-caf first, then one cup fewer each week."
                    ),
                    "replies": [
                        {
                            "body": "Half-caf is a good idea. Less of a shock to the system.",
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": (
                        "I didn't notice much change, honestly. Everyone's different, but it's "
                        "worth an experiment."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "Decaf tea became my replacement ritual. It turned out I missed the "
                        "ritual, not the caffeine."
                    ),
                    "replies": [
                        {
                            "body": "That's so true. The warm mug is half the point.",
                            "replies": [
                                {
                                    "body": (
                                        "Exactly. I still have my 11am coffee break, it's just "
                                        "peppermint tea now."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "If palpitations carry on after cutting down, it's worth checking with "
                        "your GP, just to be safe and to put your mind at rest."
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "title": "Anxious about a dentist appointment next week",
            "body": (
                "I haven't been to the dentist in five years because of anxiety, and I've finally "
                "booked. It's next Tuesday. Has anyone told their dentist they're anxious? What "
                "did you say, and did it help?"
            ),
            "content_warning": "",
            "replies": [],
        },
    ],
    "low-mood-depression": [
        {
            "title": "Starting sertraline next week - nervous about side effects",
            "body": (
                "My GP and I agreed to try sertraline after a long chat. I'm relieved to be doing "
                "*something*, but also nervous. I've read that the first few weeks can be rough. "
                "Would anyone be willing to share what it was like for them?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "Everyone's different, but for me the first two weeks I felt a bit queasy "
                        "and slept badly, then it settled. By week six I noticed I was laughing at "
                        "things again. Keep your GP in the loop about how you're feeling."
                    ),
                    "replies": [
                        {
                            "body": (
                                "That's reassuring, thank you. Did you take it in the morning or "
                                "the evening?"
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "Morning worked better for me, because at first it kept me "
                                        "awake at night. Worth asking your pharmacist, though. "
                                        "They were really helpful whenever I had questions."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "I was scared too. Writing a line each day about how I felt really helped, "
                        "because it made gradual changes easier to see and I could tell my GP "
                        "exactly what was happening."
                    ),
                    "anonymous": True,
                    "replies": [],
                },
                {
                    "body": (
                        "Pharmacists are so underrated! You can just ask at the counter, no "
                        "appointment needed."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "Sending good wishes. It took real courage to go to your GP in the first "
                        "place."
                    ),
                    "replies": [
                        {
                            "body": "Thank you. It really did. I'd cancelled twice before.",
                            "replies": [
                                {
                                    "body": "Third time counts. Proud of you, stranger.",
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
            ],
        },
        {
            "title": "Does anyone else feel like the evenings are the hardest?",
            "body": (
                "Days are manageable because I'm busy, but once it gets dark and the house is "
                "quiet, everything feels heavier. I end up scrolling for hours and going to bed "
                "feeling worse. Curious whether others have an evening routine that helps."
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "Mornings are my hardest, but I get it. Could you swap the scrolling for "
                        "something that keeps your hands busy? I started doing jigsaw puzzles in "
                        "the evenings and it's oddly soothing."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "Evenings for me too. I put my phone on charge in the kitchen at 9pm. I "
                        "hated it for a week, and now I sleep better."
                    ),
                    "anonymous": True,
                    "replies": [
                        {
                            "body": (
                                "The phone-in-another-room thing is so hard, but I keep hearing "
                                "that it works."
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "For the first few nights I kept wandering into the "
                                        "kitchen to 'check the time'. It does get easier."
                                    ),
                                    "anonymous": True,
                                    "replies": [
                                        {
                                            "body": "Ha, 'check the time'. I feel so seen.",
                                            "anonymous": True,
                                            "replies": [],
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "A friend and I text each other one good thing from the day at 8pm. Even "
                        "on rubbish days, finding one small thing shifts something."
                    ),
                    "replies": [
                        {
                            "body": "I love this. I might suggest it to my sister.",
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": (
                        "Lots of people find evenings harder: there are fewer distractions, and "
                        "tiredness can make low mood feel louder. If it ever tips into feeling "
                        "unsafe, please reach out. Samaritans are there day and night on 116 123 "
                        "(UK) or via https://www.samaritans.org/ and you don't have to be in "
                        "crisis to call them."
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "title": "Two years since I last self-harmed",
            "body": (
                "I wanted to mark this somewhere. Two years ago I was in a very different place. "
                "Things aren't perfect, but I have people I can talk to, a therapist I trust, and "
                "a list of things I do instead when the urges come. If you're earlier on in this, "
                "please know that it can change."
            ),
            "content_warning": "self-harm (past)",
            "content_topics": ["self_harm"],
            "replies": [
                {
                    "body": "Thank you for sharing this. It gives me a lot of hope today.",
                    "replies": [],
                },
                {
                    "body": (
                        "Congratulations. Would you be willing to share a couple of the things on "
                        "your list? Totally fine if not."
                    ),
                    "anonymous": True,
                    "replies": [
                        {
                            "body": (
                                "Of course. Some of mine:\n\n"
                                "- Text my friend the word 'wobbly' (our code for 'please check "
                                "in')\n"
                                "- Go for a fast walk, even just around the block\n"
                                "- Hold something cold\n"
                                "- Put on a particular playlist and wait fifteen minutes\n\n"
                                "The urge usually passes if I can get through that window."
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "The code word is such a good idea. Asking for help feels "
                                        "so much easier when it's one word."
                                    ),
                                    "anonymous": True,
                                    "replies": [
                                        {
                                            "body": (
                                                "Exactly. My friend just replies 'here' and calls "
                                                "when she can. It's changed everything for me."
                                            ),
                                            "replies": [],
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Two years is something to be really proud of. And you're right that it "
                        "doesn't have to be perfect to count."
                    ),
                    "replies": [],
                },
                {
                    "body": "Saving this post for a day when I need it.",
                    "replies": [],
                },
            ],
        },
        {
            "title": "How do you explain depression to family who don't get it?",
            "body": (
                "My parents keep saying things like 'just get out more' or 'you've got nothing to "
                "be sad about'. I know they mean well, but it makes me feel worse and I end up "
                "saying nothing. Has anyone found a way of explaining it that actually landed?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "Spoon theory helped with my family, even though it was originally written "
                        "about chronic illness. Explaining that I start each day with a limited "
                        "amount of energy made more sense to them than 'I feel sad'."
                    ),
                    "replies": [
                        {
                            "body": "I hadn't heard of it. Going to look it up, thank you.",
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": (
                        "Honestly, with my dad I stopped trying to explain *why* and started "
                        "telling him *what helps*. 'It helps when you sit with me and watch the "
                        "football' landed better than any explanation of depression ever did."
                    ),
                    "replies": [
                        {
                            "body": (
                                "This is really wise. Maybe they do want to help and just don't "
                                "know how."
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "That's how it was with mine. Once they had a job to do, "
                                        "they relaxed a lot."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Mine never really got it, and I had to accept that. I found understanding "
                        "elsewhere: friends, this forum, my therapist. It's OK if family can't be "
                        "everything."
                    ),
                    "anonymous": True,
                    "replies": [
                        {
                            "body": "I needed to hear this. Thank you.",
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": (
                        "Mind has good pages written for friends and family. Sometimes it's easier "
                        "to send a link than to find the words yourself: https://www.mind.org.uk/"
                    ),
                    "replies": [
                        {
                            "body": (
                                "Great idea. Sending them something to read first means I don't "
                                "have to get through it all face to face."
                            ),
                            "replies": [],
                        },
                    ],
                },
            ],
        },
        {
            "title": "Tiny things that got you out of bed this week",
            "body": (
                "Let's make a list. Mine: the smell of the coffee my flatmate made, and knowing my "
                "cat wanted breakfast. What's yours? Nothing is too small."
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": "A new library book waiting on the bedside table.",
                    "replies": [],
                },
                {
                    "body": "My dog putting her nose on my hand at 7am. Non-negotiable.",
                    "replies": [
                        {
                            "body": "Pets are the best alarm clocks and the worst snooze buttons.",
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": "Honestly, just the thought of a hot shower.",
                    "anonymous": True,
                    "replies": [
                        {
                            "body": (
                                "Hot showers are underrated. Some days that's the whole "
                                "achievement."
                            ),
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": "A voice note from my friend who lives abroad. I listened to it twice.",
                    "replies": [],
                },
                {
                    "body": "Sunlight coming through the curtains for the first time in weeks.",
                    "replies": [],
                },
            ],
        },
        {
            "title": "Feeling numb rather than sad - is that still depression?",
            "body": (
                "People talk about depression as sadness, but mine feels more like nothing. I "
                "don't cry, I just don't feel much about anything, good or bad. I'm starting to "
                "wonder if I'm imagining it."
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "You're not imagining it. Numbness was my main symptom for a long time. I "
                        "described it to my GP as 'living behind glass'."
                    ),
                    "replies": [
                        {
                            "body": "Living behind glass is exactly it.",
                            "replies": [
                                {
                                    "body": (
                                        "When I said that out loud at my appointment, it was the "
                                        "first time I felt properly understood. It's worth taking "
                                        "the words to your GP if you haven't already."
                                    ),
                                    "replies": [
                                        {
                                            "body": (
                                                "I've got an appointment in two weeks. I'll write "
                                                "that down so I don't freeze."
                                            ),
                                            "replies": [
                                                {
                                                    "body": (
                                                        "Writing it down is a great idea. You "
                                                        "could even hand them the note if speaking "
                                                        "feels too hard on the day."
                                                    ),
                                                    "replies": [],
                                                },
                                            ],
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Emotional numbness, sometimes described as flat mood or losing interest "
                        "and pleasure in things, is a recognised part of depression for many "
                        "people. It's absolutely worth raising with a professional. The NHS pages "
                        "are a good starting point: https://www.nhs.uk/mental-health/"
                    ),
                    "replies": [],
                },
                {
                    "body": "Same here. I sometimes miss feeling sad, which sounds strange.",
                    "anonymous": True,
                    "replies": [
                        {
                            "body": "It doesn't sound strange at all. It makes complete sense.",
                            "replies": [],
                        },
                    ],
                },
            ],
        },
        {
            "title": "Showering feels impossible some days",
            "body": (
                "I know it sounds small, but some days getting in the shower feels like climbing a "
                "mountain. Then I feel ashamed, which makes everything worse. Anyone else?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "Not small at all, and very common. Some days I do a *minimum version*: "
                        "wash my face, deodorant, clean t-shirt. It counts."
                    ),
                    "anonymous": True,
                    "replies": [
                        {
                            "body": "'Minimum version' - I need that phrase in my life.",
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": (
                        "Sitting down in the shower helped me. Less effort, and somehow less "
                        "overwhelming."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "I put a podcast on first, so I have something to listen to while I get "
                        "in. It bridges the gap between *thinking about it* and *doing it*."
                    ),
                    "replies": [
                        {
                            "body": "Bridging the gap is exactly the hard part. I'll try that.",
                            "replies": [
                                {
                                    "body": (
                                        "I hope it helps. And no shame either way. Depression "
                                        "affects energy; it isn't a character flaw."
                                    ),
                                    "replies": [
                                        {
                                            "body": (
                                                "Reading this while lying in bed. Going to try a "
                                                "podcast shower right now."
                                            ),
                                            "anonymous": True,
                                            "replies": [
                                                {
                                                    "body": "You've got this. One step at a time.",
                                                    "replies": [],
                                                },
                                            ],
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                },
            ],
        },
        {
            "title": "Anyone tried a light box for winter low mood?",
            "body": (
                "The clocks changing always hits me hard. I'm thinking about buying a light box, "
                "but they're not cheap. Did it make a difference for anyone? Any tips on what to "
                "look for?"
            ),
            "content_warning": "",
            "replies": [],
        },
    ],
    "grief-loss": [
        {
            "title": "First Christmas without my mum",
            "body": (
                "It's coming up to the first Christmas since Mum died in the spring. Everyone is "
                "talking about plans and I just want to skip December entirely. Part of me feels "
                "guilty for not wanting to celebrate. How did you get through the first one?"
            ),
            "content_warning": "bereavement",
            "content_topics": ["bereavement"],
            "replies": [
                {
                    "body": (
                        "The first one is so hard. We did something completely different and went "
                        "for a long walk on the beach instead of the usual dinner. It stopped "
                        "every moment being a reminder of who wasn't there."
                    ),
                    "replies": [
                        {
                            "body": (
                                "I hadn't thought about doing it differently. I assumed we had to "
                                "keep the traditions going."
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "You don't have to. Traditions can pause, change, or come "
                                        "back later. There's no rule."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "We put a candle on the table for my dad, and everyone shared one memory "
                        "of him. There were tears, but good ones."
                    ),
                    "replies": [
                        {
                            "body": "That's beautiful. I might suggest it to my brother.",
                            "replies": [
                                {
                                    "body": "I hope it goes gently, whatever you decide.",
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Please don't feel guilty. Not wanting to celebrate is grief, not a "
                        "failing."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "Cruse has some helpful guidance on getting through special occasions: "
                        "https://www.cruse.org.uk/"
                    ),
                    "replies": [
                        {
                            "body": "Thank you, I'll have a look tonight.",
                            "replies": [],
                        },
                    ],
                },
            ],
        },
        {
            "title": "Losing my dog hurt more than I expected",
            "body": (
                "We lost our old boy last week. He was fourteen. I keep hearing his tags jingle "
                "and then remembering. Some people have been kind, but a couple have said 'it's "
                "just a dog', and I feel silly for how much I'm crying."
            ),
            "content_warning": "",
            "content_topics": ["bereavement"],
            "replies": [
                {
                    "body": (
                        "It is never 'just a dog'. He was part of your daily life for fourteen "
                        "years. Of course it hurts."
                    ),
                    "replies": [
                        {
                            "body": "Thank you. I needed someone to say that.",
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": (
                        "I listened for my cat's flap for months afterwards. The brain takes a "
                        "while to catch up with the heart, or maybe the other way round."
                    ),
                    "replies": [],
                },
                {
                    "body": "What was his name? Would you like to tell us about him?",
                    "replies": [
                        {
                            "body": (
                                "His name was Biscuit. He was terrified of the hoover and loved "
                                "sitting on people's feet. He used to wait by the door at exactly "
                                "half five for my partner to get home."
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "Biscuit sounds like the best boy. The half-five waiting "
                                        "is so sweet."
                                    ),
                                    "replies": [
                                        {
                                            "body": (
                                                "He really was. Thank you for asking. It felt good "
                                                "to talk about him, rather than only about losing "
                                                "him."
                                            ),
                                            "replies": [],
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": "Sending love to you and your household.",
                    "replies": [],
                },
            ],
        },
        {
            "title": "Anniversaries sneak up on me",
            "body": (
                "Even when I'm not consciously thinking about the date, my body seems to know. In "
                "the week before my brother's anniversary I get tired, snappy and tearful before "
                "I've even realised why. Does anyone else experience this?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "Yes, all the time. My counsellor called it an *anniversary reaction*. "
                        "Knowing it has a name helped me be less hard on myself."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "I now put a note in my calendar a week before, just saying 'be gentle'. "
                        "It reminds me to lower my expectations of myself."
                    ),
                    "replies": [
                        {
                            "body": "'Be gentle' in the calendar. I'm stealing that.",
                            "replies": [
                                {
                                    "body": (
                                        "Please do! It's a small thing that has made a big "
                                        "difference."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": "The body keeps its own calendar. You're definitely not alone.",
                    "replies": [],
                },
            ],
        },
        {
            "title": "Grief when the relationship was complicated",
            "body": (
                "My father died recently, and we hadn't spoken for years. I feel sad, angry, "
                "relieved and guilty all at the same time, and I don't know which feelings are "
                "'allowed'. People keep offering condolences as if we were close, and I don't know "
                "what to say."
            ),
            "content_warning": "bereavement",
            "content_topics": ["bereavement"],
            "replies": [
                {
                    "body": (
                        "All of those feelings are allowed, sometimes within the same hour. "
                        "Grieving a complicated relationship can include grieving what you never "
                        "had."
                    ),
                    "replies": [
                        {
                            "body": (
                                "Grieving what I never had. That's exactly it. I think I'm "
                                "mourning the dad I wanted."
                            ),
                            "replies": [
                                {
                                    "body": "That's a real loss too, and it deserves space.",
                                    "replies": [
                                        {
                                            "body": (
                                                "Thank you. I don't think I'd let myself see it "
                                                "that way until now."
                                            ),
                                            "replies": [],
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "For the condolences, I used to just say 'Thank you, it's been a "
                        "complicated time.' It's true, and it doesn't invite questions."
                    ),
                    "replies": [
                        {
                            "body": (
                                "That's such a useful phrase. I've been over-explaining and it's "
                                "exhausting."
                            ),
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": (
                        "A bereavement counsellor helped me a lot with this. They'd heard it all "
                        "before, and nothing I said shocked them."
                    ),
                    "replies": [
                        {
                            "body": "How did you find one?",
                            "replies": [
                                {
                                    "body": (
                                        "Through Cruse in my case, but some GP practices and local "
                                        "hospices offer bereavement counselling too. Worth asking "
                                        "around."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
            ],
        },
        {
            "title": "Things people said or did that actually helped",
            "body": (
                "We often talk about the unhelpful things people say. I thought it might be nice "
                "to collect the opposite: the words or gestures that genuinely helped when you "
                "were grieving."
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "A neighbour left soup on the doorstep with a note saying 'No need to "
                        "reply'. I'll never forget that."
                    ),
                    "replies": [
                        {
                            "body": "The 'no need to reply' part is so thoughtful.",
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": "'I don't know what to say, but I'm here.' Honest and kind.",
                    "replies": [],
                },
                {
                    "body": (
                        "A friend remembered the anniversary a year later and just texted "
                        "'Thinking of you and her today.' It meant more than all the flowers at "
                        "the time."
                    ),
                    "replies": [
                        {
                            "body": (
                                "Yes! The later messages matter so much, when everyone else seems "
                                "to have moved on."
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "This thread has made me want to put some dates in my "
                                        "calendar for friends who are grieving."
                                    ),
                                    "replies": [
                                        {
                                            "body": "That's a lovely thing to do. They'll notice.",
                                            "replies": [],
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "My manager said 'Take the time you need, we'll sort the rest.' It felt "
                        "like being allowed to breathe."
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "title": "Writing letters to someone who has died",
            "body": (
                "A counsellor suggested I try writing letters to my grandmother. I've written "
                "three now. It feels a bit strange, but I sleep better on the nights I write. Has "
                "anyone else tried this?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "I keep a notebook just for my husband. I tell him about my day and what "
                        "the grandchildren are up to. It keeps him part of things."
                    ),
                    "replies": [
                        {
                            "body": "That's lovely. Do you ever reread them?",
                            "replies": [
                                {
                                    "body": (
                                        "Sometimes, on the hard days. It reminds me how far I've "
                                        "come, too."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "I did this after my friend died, and on her birthday I read one out at "
                        "her memorial bench. It felt like a conversation."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "It doesn't sound strange at all. Whatever helps you keep the connection "
                        "is worth doing."
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "title": "Sorting through belongings - how did you decide what to keep?",
            "body": (
                "We need to clear my aunt's flat by the end of the month. Every object feels like "
                "it matters, and I'm frozen. I'd love to hear how others approached this."
            ),
            "content_warning": "",
            "replies": [],
        },
    ],
    "caregivers": [
        {
            "title": "Caring for my mum with dementia - the guilt is constant",
            "body": (
                "Mum moved in with us last year. Some days she knows me, some days she doesn't. I "
                "love her, but I'm exhausted, I snap at my kids, and then I feel guilty about "
                "everyone. Does the guilt ever ease?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "It eased when I started treating myself as someone who also needs care. "
                        "That sounds simple, and it took me three years."
                    ),
                    "replies": [
                        {
                            "body": (
                                "Three years. I'm only one year in. That's both comforting and "
                                "scary."
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "It doesn't have to take you that long. You're already "
                                        "asking the question, which I wasn't."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Have you had a carer's assessment? In the UK you're entitled to one from "
                        "your local council, and it can open up respite care or a day centre "
                        "place. Carers UK explain it well: https://www.carersuk.org/"
                    ),
                    "replies": [
                        {
                            "body": (
                                "I didn't know I could ask for one for myself rather than for Mum. "
                                "Thank you."
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "Yes, it's specifically about *your* needs. Go in and be "
                                        "honest about how tired you are."
                                    ),
                                    "replies": [
                                        {
                                            "body": (
                                                "That's the part I struggle with, admitting I'm "
                                                "not coping. But I'll try."
                                            ),
                                            "replies": [
                                                {
                                                    "body": (
                                                        "Admitting it is how you get the help that "
                                                        "makes it possible to keep going. You're "
                                                        "not failing her by asking."
                                                    ),
                                                    "replies": [],
                                                },
                                            ],
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Snapping at your kids when you're running on empty doesn't make you a bad "
                        "parent. Apologising afterwards shows them something good about repair."
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "title": "Respite care: how did you make peace with it?",
            "body": (
                "We've been offered a week of respite care for my husband, who has MS. I know I "
                "need it, but the thought of him being somewhere else makes me feel like I'm "
                "abandoning him. Those of you who've used respite, how did it go?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "The first time, I cried all the way home. By day three I'd slept properly "
                        "for the first time in months. When I picked my dad up again, I was a "
                        "calmer, kinder carer."
                    ),
                    "replies": [
                        {
                            "body": (
                                "A calmer, kinder carer. I hadn't thought of it as being for him "
                                "as well as for me."
                            ),
                            "replies": [
                                {
                                    "body": "It really is. He noticed the difference too.",
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Visit beforehand if you can. Seeing the room and meeting the team settled "
                        "so many of my worries."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "You're not abandoning him. You're making sure you can keep going. Those "
                        "are very different things."
                    ),
                    "replies": [
                        {
                            "body": "Thank you. I'm going to say yes.",
                            "replies": [
                                {
                                    "body": (
                                        "Good for you. Let us know how it goes, if you'd like to."
                                    ),
                                    "replies": [
                                        {
                                            "body": (
                                                "I will. Already planning to sleep for about a day."
                                            ),
                                            "replies": [],
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                },
            ],
        },
        {
            "title": "Hospital discharge chaos - keeping track of medication",
            "body": (
                "My partner was discharged after surgery with a bag of medication, a leaflet and "
                "very little explanation. I'm managing wound dressings and a complicated "
                "medication schedule on my own. Any tips for keeping track of everything?"
            ),
            "content_warning": "medical detail",
            "content_topics": ["medical"],
            "replies": [
                {
                    "body": (
                        "A simple chart on the fridge saved me: time, medication, dose, and a tick "
                        "box. Tick it straight *after* giving it, never before."
                    ),
                    "replies": [
                        {
                            "body": "'Never before' - learned that one the hard way, I'm guessing?",
                            "replies": [
                                {
                                    "body": "Ha, yes. Once. Never again.",
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Ring the ward or your GP practice if anything isn't clear. I used to "
                        "worry about bothering them, but they would much rather you asked. Your "
                        "pharmacist can also go through the medication with you."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "For the dressings, ask whether a district nurse can visit. It's often "
                        "available after surgery, and people aren't always told."
                    ),
                    "replies": [
                        {
                            "body": "I had no idea that was a thing. Calling the surgery tomorrow.",
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": (
                        "And please eat something and drink some water yourself. It's so easy to "
                        "forget when you're focused on someone else."
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "title": "Parenting a teenager with anxiety - where do I draw the line?",
            "body": (
                "My fifteen-year-old has severe anxiety and is struggling to get to school. Some "
                "days I push, some days I let her stay home, and I never know whether I'm helping "
                "or making it worse. We're on the CAMHS waiting list. How do other parents handle "
                "the day-to-day?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "We went through this with our son. What helped most was working *with* "
                        "the school: a reduced timetable and a quiet space he could go to. Small, "
                        "predictable steps rather than all or nothing."
                    ),
                    "replies": [
                        {
                            "body": (
                                "A reduced timetable hadn't even occurred to me. Did the school "
                                "suggest it, or did you ask?"
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "We asked, with a letter from our GP. The school was more "
                                        "flexible than I expected once they understood it wasn't "
                                        "about behaviour."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Look after your own nerves too. Anxiety is contagious in both directions. "
                        "Some days I had to calm myself down before I could help him."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "While you wait for CAMHS, ask your GP whether there are any interim "
                        "services or parenting courses locally. We found a parents' group that was "
                        "a lifeline."
                    ),
                    "replies": [
                        {
                            "body": "That's a great suggestion. The waiting feels so passive.",
                            "replies": [
                                {
                                    "body": (
                                        "It does. Having something to do while you wait really "
                                        "helps."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "YoungMinds has a helpline for parents, which might be worth a look as "
                        "well."
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "title": "What do you do for yourself in a 20-minute break?",
            "body": (
                "I rarely get more than twenty minutes to myself, so I'd love ideas for things "
                "that actually recharge me in that time. Scrolling on my phone definitely doesn't."
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": "Sitting in the car with the radio on. My little bubble.",
                    "replies": [],
                },
                {
                    "body": (
                        "A cup of tea in the garden, no phone. Even in the rain, under the porch."
                    ),
                    "replies": [
                        {
                            "body": "There's something about being outside that resets me too.",
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": (
                        "A short guided meditation. Some of the free ones are only ten minutes "
                        "long."
                    ),
                    "replies": [],
                },
                {
                    "body": "Honestly? A nap. Set an alarm and lie down. Power naps have saved me.",
                    "replies": [
                        {
                            "body": "Seconded. Twenty minutes is the perfect nap length.",
                            "replies": [],
                        },
                    ],
                },
            ],
        },
        {
            "title": "When the person you care for doesn't want help",
            "body": (
                "My brother has bipolar disorder and is refusing to see his care team at the "
                "moment. I'm worried, but he's an adult and I can't force him. How do you stay "
                "involved without damaging the relationship?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "This is so hard. I found it helped to focus on staying connected rather "
                        "than on getting him to accept help. Keep the door open."
                    ),
                    "replies": [
                        {
                            "body": (
                                "Keeping the door open is what I'm trying to do, but I'm scared of "
                                "missing warning signs."
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "Could you contact his care team yourself? They may not be "
                                        "able to share information with you, but they can *listen* "
                                        "to your concerns, and that still matters."
                                    ),
                                    "replies": [
                                        {
                                            "body": (
                                                "I didn't know they could still listen even if "
                                                "they can't share. That makes me feel a bit less "
                                                "powerless."
                                            ),
                                            "replies": [],
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Please look after yourself too. Rethink Mental Illness has information "
                        "for carers, and there are carers' groups that understand this exact "
                        "situation."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "If you ever think he's in immediate danger, you can call 999 or take him "
                        "to A&E. You don't need his permission for that."
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "title": "Any carers who also work full time?",
            "body": (
                "I work full time and look after my dad in the evenings and at weekends. I'm "
                "finding it really hard to balance. I'd love to hear from anyone in a similar "
                "situation. What has your employer been like?"
            ),
            "content_warning": "",
            "replies": [],
        },
    ],
    "students": [
        {
            "title": "Exam season panic - how do you revise without spiralling?",
            "body": (
                "I have four exams in two weeks, and every time I sit down to revise I start "
                "calculating how little time I have left and end up doing nothing. Does anyone "
                "have a revision approach that keeps the panic manageable?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "Pomodoro saved me: 25 minutes of work, 5 minutes of break. It's much "
                        "easier to start when the task is 'one 25-minute block' rather than "
                        "'revise all of biology'."
                    ),
                    "replies": [
                        {
                            "body": (
                                "I've heard of it but never actually tried it. Do you plan which "
                                "topic each block is for?"
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "Yes, I write a list the night before. Then I don't waste "
                                        "the first block deciding what to do."
                                    ),
                                    "replies": [
                                        {
                                            "body": (
                                                "Planning the night before. OK, trying this "
                                                "tonight."
                                            ),
                                            "replies": [
                                                {
                                                    "body": "Good luck! Report back if it helps.",
                                                    "replies": [],
                                                },
                                            ],
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Stop doing the 'time left' maths. I used to do that too, and it never "
                        "helped me learn a single thing. Focus on *today's* plan only."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "Make sure you're sleeping. I know it sounds boring, but I did better in "
                        "exams after proper sleep than after all-nighters, every single time."
                    ),
                    "replies": [
                        {
                            "body": "This is so true and so hard to believe at 2am.",
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": (
                        "If the panic is really getting in the way, your student wellbeing service "
                        "may be able to help, and you might be able to apply for extenuating "
                        "circumstances. Worth checking before the exams rather than after."
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "title": "Homesick in my first term",
            "body": (
                "I moved about 200 miles for university and I thought I'd love it. Instead I spend "
                "most evenings in my room video-calling my family and crying afterwards. Everyone "
                "else seems to have found their people already."
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "I promise 'everyone else' is not as settled as they look. Half my flat "
                        "was secretly homesick in first term. We only admitted it to each other in "
                        "second year."
                    ),
                    "replies": [
                        {
                            "body": "That's actually really reassuring.",
                            "replies": [
                                {
                                    "body": (
                                        "It might be worth saying it to one person in your flat. "
                                        "You might find a fellow homesick person."
                                    ),
                                    "replies": [
                                        {
                                            "body": (
                                                "I did it! I told one flatmate, and she said she's "
                                                "been feeling exactly the same. We're cooking "
                                                "together on Thursday."
                                            ),
                                            "replies": [
                                                {
                                                    "body": (
                                                        "This made my day. Well done for being "
                                                        "brave."
                                                    ),
                                                    "replies": [],
                                                },
                                            ],
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Join one society, even a random one. I joined the board games society "
                        "knowing nobody, and it became my main friendship group."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "Student Minds has some good resources on settling in at university: "
                        "https://www.studentminds.org.uk/"
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "title": "Imposter syndrome in my PhD",
            "body": (
                "I'm in the second year of a PhD and I'm convinced my supervisor is going to "
                "figure out I don't belong here. Before every meeting I rehearse what I'll say, "
                "and afterwards I still feel like a fraud. How do people deal with this?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "Almost every PhD student I know feels this. Almost every *academic* I "
                        "know still feels it. It's not a reliable measure of whether you belong."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "I keep a 'done' file: every small thing I've achieved, every kind comment "
                        "from someone. When the fraud feeling comes, I read it."
                    ),
                    "replies": [
                        {
                            "body": (
                                "A 'done' file - I love that. My to-do list only ever shows me "
                                "what I haven't finished."
                            ),
                            "replies": [
                                {
                                    "body": "Exactly! It balances the picture.",
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Could you be honest with your supervisor about feeling unsure? Mine was "
                        "surprisingly kind when I admitted I was struggling."
                    ),
                    "replies": [
                        {
                            "body": (
                                "The idea of telling them terrifies me, but maybe I could mention "
                                "it in a small way."
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "Even 'I'm finding this part of the project really hard' "
                                        "opens the door. You don't need to say everything at once."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
            ],
        },
        {
            "title": "Money worries are wrecking my sleep",
            "body": (
                "My student loan doesn't cover my rent plus food, and the hours at my part-time "
                "job have been cut. I lie awake doing sums. Has anyone got advice, practical or "
                "emotional?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "Check whether your university has a hardship fund. Mine gave me a grant "
                        "that covered two months of shortfall, and I didn't have to pay it back."
                    ),
                    "replies": [
                        {
                            "body": "I didn't know that existed. Where do you find out about it?",
                            "replies": [
                                {
                                    "body": (
                                        "Usually through student services or the money advice "
                                        "team. Search your university's website for 'hardship "
                                        "fund'."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Students' unions often have free, confidential money advisers too. Mine "
                        "helped me set up a budget that actually worked."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "On the emotional side: writing the numbers down before bed, with *one* "
                        "action for tomorrow, stopped them spinning round my head all night."
                    ),
                    "replies": [
                        {
                            "body": (
                                "One action for tomorrow. That feels more doable than 'fix my "
                                "whole finances'."
                            ),
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": (
                        "Sending solidarity. Money stress is so draining, and it isn't a personal "
                        "failing."
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "title": "Is it normal to feel lost after graduating?",
            "body": (
                "I finished my degree in the summer and everyone keeps asking what's next. I have "
                "no idea. I went from having a timetable and a purpose to... nothing. Does this "
                "feeling pass?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "Completely normal, and I wish more people talked about it. It's a huge "
                        "transition with no structure."
                    ),
                    "replies": [
                        {
                            "body": "It feels like everyone else has a plan.",
                            "replies": [
                                {
                                    "body": (
                                        "They really, really don't. Most of my friends were still "
                                        "figuring things out years later. Some of them still are."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "It helped me to build a small daily structure:\n\n"
                        "- Get up at the same time\n"
                        "- One walk\n"
                        "- One job application *or* one skill to practise\n\n"
                        "That's it. It was enough to stop the days blurring together."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "Your university's careers service may still help graduates for a couple "
                        "of years. Mine did, and it was a good first step."
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "title": "Group project anxiety - I never speak up",
            "body": (
                "I'm in a group project and I do have ideas, but I freeze in meetings and say "
                "nothing. Then people assume I'm not contributing. How can I get my ideas across?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "Could you share your ideas in writing before or after the meeting? A "
                        "group chat message or a comment in the shared doc still counts."
                    ),
                    "replies": [
                        {
                            "body": (
                                "That's a good idea. Writing is so much easier for me than talking."
                            ),
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": (
                        "I used to prepare one sentence before every meeting. Just one. Saying it "
                        "early took the pressure off for the rest of the meeting."
                    ),
                    "replies": [
                        {
                            "body": "One sentence, early. I like that.",
                            "replies": [
                                {
                                    "body": (
                                        "It really works. Once you've spoken once, it's much "
                                        "easier to speak again."
                                    ),
                                    "replies": [
                                        {
                                            "body": (
                                                "Update: I said my one sentence today, and someone "
                                                "replied 'Oh, good point.' Small, but I'm counting "
                                                "it."
                                            ),
                                            "replies": [
                                                {
                                                    "body": "Counting it too! That's a great step.",
                                                    "replies": [],
                                                },
                                            ],
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Social anxiety is really common and very treatable. Your student "
                        "wellbeing or counselling service may run groups or workshops for it."
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "title": "Best free tools for keeping track of deadlines?",
            "body": (
                "I keep missing small deadlines because everything lives in my head. What do you "
                "all use to keep track? Bonus points if it's free."
            ),
            "content_warning": "",
            "replies": [],
        },
    ],
    "lgbtq-wellbeing": [
        {
            "title": "Coming out to my parents this weekend - nervous",
            "body": (
                "I've decided to come out to my parents on Saturday. I think they'll be OK, but "
                "I'm not sure, and I keep rehearsing what to say. Has anyone got tips for the "
                "conversation itself?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "Well done for getting to this point. Have a plan for afterwards, whatever "
                        "happens: a friend to call, or somewhere to go if you need some space."
                    ),
                    "replies": [
                        {
                            "body": (
                                "That's a good point. I'll ask my best friend to be on standby."
                            ),
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": (
                        "It's OK if they need time. My mum's first reaction was quiet, but a week "
                        "later she came to my room and said she loved me and wanted to understand. "
                        "First reactions aren't always final ones."
                    ),
                    "anonymous": True,
                    "replies": [
                        {
                            "body": (
                                "That's really helpful to hear. I'd been treating it as a one-shot "
                                "thing."
                            ),
                            "replies": [
                                {
                                    "body": (
                                        "It's more like a conversation that carries on over weeks "
                                        "and months. Be gentle with yourself during it."
                                    ),
                                    "anonymous": True,
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "You don't have to answer every question in the moment. 'I'm not ready to "
                        "talk about that yet' is a complete sentence."
                    ),
                    "replies": [],
                },
                {
                    "body": "Rooting for you. Let us know how it goes, if you'd like to.",
                    "replies": [
                        {
                            "body": (
                                "Update: it went better than I'd hoped. My dad hugged me. My mum "
                                "has questions, but she said she's proud of me for telling them. "
                                "Thank you, everyone."
                            ),
                            "replies": [
                                {
                                    "body": "This is wonderful news. I'm so happy for you.",
                                    "replies": [
                                        {
                                            "body": "Made me tear up a bit. Congratulations.",
                                            "anonymous": True,
                                            "replies": [],
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                },
            ],
        },
        {
            "title": "Dealing with being misgendered at work",
            "body": (
                "I've been out at work for six months and most colleagues are great, but one keeps "
                "using the wrong pronouns. I can't tell if it's deliberate. It grinds me down. How "
                "do others handle this?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "It's exhausting, whether it's deliberate or not. I found it easier to "
                        "correct quickly and neutrally ('It's *they*, actually') and move on, "
                        "rather than making it a big moment."
                    ),
                    "replies": [
                        {
                            "body": "I've been doing that, but the fifth time it feels different.",
                            "replies": [
                                {
                                    "body": (
                                        "Totally. At that point it's fair to raise it with a "
                                        "manager or HR. Repeated misgendering can be harassment, "
                                        "and your employer has a responsibility to deal with it."
                                    ),
                                    "replies": [
                                        {
                                            "body": (
                                                "I think I needed permission to take it further. "
                                                "Thank you."
                                            ),
                                            "replies": [],
                                        },
                                    ],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Keep a simple record of when it happens, just the dates and what was "
                        "said. It helps if you do decide to escalate."
                    ),
                    "anonymous": True,
                    "replies": [],
                },
                {
                    "body": (
                        "Make sure you have places where you're affirmed, too: friends, community "
                        "groups, here. It helps balance out the grind."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "Switchboard's helpline can be a good place to talk this through: "
                        "https://switchboard.lgbt/"
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "title": "Feeling in-between in LGBTQ+ spaces",
            "body": (
                "I'm bi and in a relationship with someone of a different gender. Sometimes I feel "
                "like I'm not 'queer enough' for LGBTQ+ spaces, and not straight either. Does "
                "anyone else feel in-between?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "Yes, so much. Bi erasure is real, and it isn't your job to prove anything "
                        "to anyone."
                    ),
                    "anonymous": True,
                    "replies": [],
                },
                {
                    "body": (
                        "You're queer enough. Your partner's gender doesn't change who you are."
                    ),
                    "replies": [
                        {
                            "body": (
                                "Thank you. I needed to hear that from someone other than myself."
                            ),
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": (
                        "Some areas have bi-specific groups and online meetups. I found mine "
                        "through a local LGBTQ+ centre, and it was the first place I felt "
                        "completely at home."
                    ),
                    "replies": [
                        {
                            "body": (
                                "I'll look into that. I didn't know bi-specific groups existed."
                            ),
                            "replies": [
                                {
                                    "body": "They're such a good thing. I hope you find one.",
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
            ],
        },
        {
            "title": "Long waiting lists and looking after yourself meanwhile",
            "body": (
                "I'm on a very long waiting list for a gender identity clinic. Some days the wait "
                "feels unbearable. What do people do to look after their mental health while they "
                "wait?"
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": (
                        "The waiting is so hard. I found a local trans peer group, and talking to "
                        "people further along the path helped me feel less stuck."
                    ),
                    "replies": [],
                },
                {
                    "body": (
                        "I made a 'joy list' of things that make me feel like myself (clothes, "
                        "music, a haircut) and tried to do one thing from it each week."
                    ),
                    "anonymous": True,
                    "replies": [
                        {
                            "body": "A joy list is such a lovely idea.",
                            "replies": [
                                {
                                    "body": (
                                        "It really helped. The waiting felt less like putting my "
                                        "life on hold."
                                    ),
                                    "anonymous": True,
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "It's also OK to talk to your GP about how the wait is affecting your "
                        "mental health. They can't speed up the clinic, but they can help with "
                        "your wellbeing in the meantime, including referral to talking therapies."
                    ),
                    "replies": [
                        {
                            "body": (
                                "I didn't realise I could bring that to my GP separately. That's "
                                "really useful."
                            ),
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": "Sending solidarity. You're not alone in the wait.",
                    "replies": [],
                },
            ],
        },
        {
            "title": "Religious family and holiday visits",
            "body": (
                "I'm going home for the holidays to a family that's quite religious and doesn't "
                "know I'm gay. I'm not ready to tell them. How do you protect your mental health "
                "in a situation like this?"
            ),
            "content_warning": "family conflict",
            "replies": [
                {
                    "body": (
                        "Plan your escape valves: a daily walk, a friend to text, a time you'll "
                        "leave. Knowing you can step out helps so much."
                    ),
                    "replies": [
                        {
                            "body": (
                                "I like the idea of a set time to leave. I'll book a train back a "
                                "day earlier."
                            ),
                            "replies": [],
                        },
                    ],
                },
                {
                    "body": (
                        "You don't owe anyone your coming out before you're ready. Protecting "
                        "yourself isn't lying."
                    ),
                    "anonymous": True,
                    "replies": [
                        {
                            "body": "That's a really important reframe. Thank you.",
                            "replies": [
                                {
                                    "body": "It took me years to believe it myself.",
                                    "anonymous": True,
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": (
                        "Bring something from your everyday life with you: a book, a playlist, a "
                        "small object. It reminds you who you are."
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "title": "Celebrating: my chosen name is on everything now",
            "body": (
                "As of today, my chosen name is on my email, my bank card and my library card. "
                "It's small admin stuff, but it feels enormous. I just wanted to share it with "
                "people who'd understand."
            ),
            "content_warning": "",
            "replies": [
                {
                    "body": "Congratulations! This is not small at all.",
                    "replies": [],
                },
                {
                    "body": "Admin joy is real joy. So happy for you.",
                    "replies": [
                        {
                            "body": "Ha, I never thought I'd be this excited about a library card.",
                            "replies": [
                                {
                                    "body": "The best library card in the world.",
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
                {
                    "body": "I'm a few steps behind you on this, and it's so encouraging to read.",
                    "anonymous": True,
                    "replies": [
                        {
                            "body": "You'll get there. One card at a time.",
                            "replies": [],
                        },
                    ],
                },
            ],
        },
        {
            "title": "Queer-friendly therapists - how did you find one?",
            "body": (
                "I want to start therapy, but I'm worried about having to explain my identity from "
                "scratch or being judged. How did you find a therapist who gets it?"
            ),
            "content_warning": "",
            "replies": [],
        },
    ],
}

# A reply a member would reasonably flag as medication misinformation.
FLAGGED_POST = {
    "group": "low-mood-depression",
    "thread_title": "Starting sertraline next week - nervous about side effects",
    "body": (
        "Honestly, don't bother. Antidepressants are poison and doctors only push them because of "
        "drug company money. I stopped mine overnight and felt totally fine within a week. Cold "
        "showers and cutting out sugar are all you need."
    ),
}

# Seeds a demo crisis alert. Expresses suicidal ideation; no method detail.
CRISIS_POST = {
    "group": "low-mood-depression",
    "thread_title": "Does anyone else feel like the evenings are the hardest?",
    "body": (
        "I don't think I can keep doing this. Lately I keep thinking everyone would be better off "
        "without me, and tonight it doesn't feel like just a thought any more. I don't really know "
        "why I'm posting this here."
    ),
}

# A new member's harmless first post, awaiting pre-moderation.
PENDING_POST = {
    "group": "low-mood-depression",
    "body": (
        "Hi everyone, I'm new here. I've been reading for a few weeks and finally made an account. "
        "I've been feeling flat for a few months and I'm not sure what to do about it yet, but it "
        "helps to see people talking so openly. Thank you for making this feel like a welcoming "
        "place."
    ),
}

# Answers to entry questions: [0] and [1] Caregivers, [2] LGBTQ+ Wellbeing.
JOIN_REQUEST_ANSWERS = [
    (
        "I look after my mum, who had a stroke last year. I'm hoping to talk to people who "
        "understand how tiring it can be, and to pick up some practical tips."
    ),
    (
        "I'm a young carer for my younger brother, who is autistic and has anxiety. I don't know "
        "anyone else in the same situation and would like somewhere to talk."
    ),
    (
        "I'm gay and have struggled with anxiety since moving to a new city. I'd like a space "
        "where I don't have to explain that part of myself before talking about the rest."
    ),
]

# A brand-new account that only posts advertising, for the one-step spam removal.
SPAM_POSTS = [
    (
        "Cure anxiety in 3 days!!!",
        "Doctors hate this: our herbal drops cure anxiety and depression for good. "
        "Order now at calm-drops-shop.example and get 50% off.",
    ),
    (
        "Feeling low? Try this",
        "No more therapy needed. Visit calm-drops-shop.example for the miracle cure.",
    ),
]

# The resource library: hotlines first. URLs are the services' public addresses.
RESOURCES = [
    {
        "title": "Samaritans",
        "url": "https://www.samaritans.org/",
        "description": "Free, 24/7 listening support by phone (116 123) or e-mail, for "
        "anyone who is struggling to cope.",
        "kind": "hotline",
        "region": "GB",
        "pin_to": ["low-mood-depression", "anxiety-panic"],
    },
    {
        "title": "988 Suicide & Crisis Lifeline",
        "url": "https://988lifeline.org/",
        "description": "Call or text 988 in the United States, any time, for free and "
        "confidential support.",
        "kind": "hotline",
        "region": "US",
        "pin_to": ["low-mood-depression"],
    },
    {
        "title": "NHS: Panic disorder",
        "url": "https://www.nhs.uk/mental-health/conditions/panic-disorder/",
        "description": "What panic attacks are, self-help that works, and when to see a GP.",
        "kind": "article",
        "region": "GB",
        "pin_to": ["anxiety-panic"],
    },
    {
        "title": "Cruse Bereavement Support",
        "url": "https://www.cruse.org.uk/",
        "description": "Support after someone dies: a helpline, local groups and guides.",
        "kind": "service",
        "region": "GB",
        "pin_to": ["grief-loss"],
    },
    {
        "title": "Carers UK: Looking after your own wellbeing",
        "url": "https://www.carersuk.org/help-and-advice/your-health-and-wellbeing/",
        "description": "Practical advice for carers on rest, support and their own health.",
        "kind": "article",
        "region": "GB",
        "stale": True,
    },
]

SUGGESTED_RESOURCE = {
    "title": "Headspace breathing exercise",
    "url": "https://www.headspace.com/meditation/breathing-exercises",
    "description": "A short guided breathing exercise that helped me during panic attacks.",
    "kind": "tool",
    "region": "",
}
