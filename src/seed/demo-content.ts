/**
 * Demo community seeded on first start: "Brightwave", a fictional mobile and
 * home-internet provider, with its customers and staff talking in public.
 *
 * All people, companies and conversations are invented. Customers use
 * example.com / example.net / example.org addresses; staff use brightwave.example.
 * No post contains a customer's phone number, postal address or account number.
 */
import type { DemoBoard, DemoConversation, DemoThread, DemoUser } from './demo-content-types.ts';

/** The demo's community name (the header's) and its company domain (verified addresses there are Employees). */
export const demoSite = { name: 'Brightwave Community', companyDomain: 'brightwave.example' } as const;

export const demoUsers: DemoUser[] = [
  // --- Demo sign-in accounts, one per role -------------------------------
  {
    key: 'member',
    username: 'demo-member',
    displayName: 'Jamie Carter',
    email: 'jamie.carter@example.com',
    roles: ['member'],
    bio: 'Brightwave customer for mobile and home internet. Works from home, streams too much football.',
    demoLogin: true,
  },
  {
    key: 'employee',
    username: 'demo-employee',
    displayName: 'Tom Becker',
    email: 'tom.becker@brightwave.example',
    roles: ['member', 'employee'],
    bio: 'Customer support, second line. Routers, eSIMs and the occasional mystery. Opinions are my own.',
    demoLogin: true,
  },
  {
    key: 'moderator',
    username: 'demo-moderator',
    displayName: 'Lena Hoffmann',
    email: 'lena.hoffmann@brightwave.example',
    roles: ['member', 'moderator'],
    bio: 'Community moderator. Here to keep things friendly and make sure your question gets seen.',
    demoLogin: true,
  },
  {
    key: 'manager',
    username: 'demo-manager',
    displayName: 'Grace Okafor',
    email: 'grace.okafor@brightwave.example',
    roles: ['member', 'community_manager'],
    bio: 'Community manager at Brightwave. If something in here needs fixing, I want to hear about it.',
    demoLogin: true,
  },
  {
    key: 'admin',
    username: 'demo-admin',
    displayName: 'Daniel Kim',
    email: 'daniel.kim@brightwave.example',
    roles: ['member', 'admin'],
    bio: 'Keeps this community platform running. Mostly invisible, occasionally posts release notes.',
    demoLogin: true,
  },

  // --- Customers -----------------------------------------------------------
  {
    key: 'anna',
    username: 'anna-devries',
    displayName: 'Anna de Vries',
    email: 'anna.devries@example.net',
    roles: ['member'],
    bio: 'Architect from Utrecht, three-floor townhouse, permanent fight with Wi-Fi dead zones.',
  },
  {
    key: 'marco',
    username: 'marco-b',
    displayName: 'Marco Bianchi',
    email: 'marco.bianchi@example.com',
    roles: ['member'],
    bio: 'Sales rep, always on the road. Knows every roaming zone by heart (now).',
  },
  {
    key: 'aisha',
    username: 'aisha-rahman',
    displayName: 'Aisha Rahman',
    email: 'aisha.rahman@example.org',
    roles: ['member'],
    bio: 'Family plan admin for five phones and two teenagers. Reads every line of the bill.',
  },
  {
    key: 'oliver',
    username: 'oliverbennett',
    displayName: 'Oliver Bennett',
    email: 'oliver.bennett@example.net',
    roles: ['member'],
    bio: 'Retired telecom engineer. Happy to help with anything that has a cable attached.',
  },
  {
    key: 'kenji',
    username: 'kenji-w',
    displayName: 'Kenji Watanabe',
    email: 'kenji.watanabe@example.com',
    roles: ['member'],
    bio: 'Software developer, runs a home server, has opinions about IPv6.',
  },
  {
    key: 'sofia',
    username: 'sofia-garcia',
    displayName: 'Sofía García',
    email: 'sofia.garcia@example.org',
    roles: ['member'],
    bio: 'Freelance translator. Needs her internet to work between 9 and 5, and ideally after.',
  },

  // --- More Brightwave staff -------------------------------------------------
  {
    key: 'pieter',
    username: 'pieter-jansen',
    displayName: 'Pieter Jansen',
    email: 'pieter.jansen@brightwave.example',
    roles: ['member', 'employee', 'moderator'],
    bio: 'Network operations engineer and volunteer moderator. Ask me about masts, nodes and maintenance windows.',
  },
  {
    key: 'mei',
    username: 'mei-lin',
    displayName: 'Mei Lin',
    email: 'mei.lin@brightwave.example',
    roles: ['member', 'employee'],
    bio: 'Billing specialist. I like a bill that explains itself, and I am working on it.',
  },
  {
    key: 'rahul',
    username: 'rahul-mehta',
    displayName: 'Rahul Mehta',
    email: 'rahul.mehta@brightwave.example',
    roles: ['member', 'employee'],
    bio: 'Product manager for mobile plans and the Brightwave app. Your feedback lands on my desk.',
  },
];

export const demoBoards: DemoBoard[] = [
  {
    slug: 'announcements',
    name: 'Announcements',
    description:
      'News from the Brightwave team: new services, planned maintenance and community updates. Only staff start threads here, but everyone can reply.',
    visibility: 'public',
    topic_creators: 'staff',
  },
  {
    slug: 'mobile-sim',
    name: 'Mobile & SIM',
    description:
      'Phones, SIM and eSIM activation, coverage, calls, texts, mobile data and roaming abroad.',
    visibility: 'public',
  },
  {
    slug: 'home-internet',
    name: 'Home Internet & Wi-Fi',
    description:
      'Fibre and cable broadband, the Brightwave Hub, Wi-Fi coverage, speeds, outages and installation appointments.',
    visibility: 'public',
  },
  {
    slug: 'billing-plans',
    name: 'Billing & Plans',
    description:
      'Understanding your bill, payments, refunds, price changes and choosing or switching plans. Never post your account number or bank details here.',
    visibility: 'public',
  },
  {
    slug: 'ideas',
    name: 'Ideas & Feedback',
    description:
      'Tell us what to build or change next. Vote with kudos, debate respectfully, and the product team will report back.',
    visibility: 'public',
  },
  {
    slug: 'staff-lounge',
    name: 'Staff Lounge',
    description:
      'Behind the scenes, for the community team (moderators and community managers): coordinating replies, sharing tips, asking for a second opinion.',
    visibility: 'staff',
  },
];

export const demoThreads: DemoThread[] = [
  // ======================================================================
  // Announcements
  // ======================================================================
  {
    board: 'announcements',
    kind: 'discussion',
    title: 'Welcome to the Brightwave Community — please read before posting',
    author: 'manager',
    daysAgo: 60,
    pinned: true,
    body: `Hi everyone, and welcome! 👋

This is the place where Brightwave customers help each other, and where people who work at Brightwave join in. A few things worth knowing:

- **Badges.** Anyone who works at Brightwave has an **Employee** badge next to their name. Moderators and the community team have their own badges too. Employees answer as themselves, so expect real names and the occasional "I don't know yet, let me find out".
- **Complaints are welcome.** If something went wrong, say so. We would rather hear it here than not hear it at all.
- **Keep your private details private.** Never post your account number, phone number, address or bank details. If we need them, we'll ask you to send a private message.
- **Mark the answer.** If you asked a question and someone solved it, hit *Accept answer* so the next person finds it quickly.

The full community guidelines are at https://example.com/community/guidelines.

Glad you're here,
Grace (community team)`,
    replies: [
      { author: 'anna', hoursAfter: 6, body: 'Nice to have a place to talk to actual humans instead of the chat bot. Looking forward to it!' },
      { author: 'oliver', hoursAfter: 20, body: 'Good rules. Especially the one about not posting account numbers — I used to moderate a forum where people did that every day.' },
      { author: 'manager', hoursAfter: 26, body: 'Thanks both! @oliverbennett, if you ever spot someone posting personal details, please use the **Report** button and we\'ll tidy it up.' },
    ],
  },
  {
    board: 'announcements',
    kind: 'discussion',
    title: 'eSIM is now available on every Brightwave mobile plan',
    author: 'manager', // posted for the product team: only the community team starts topics here
    daysAgo: 24,
    body: `Good news for everyone who asked about this in Ideas & Feedback: from today, **every** mobile plan — including prepaid — supports eSIM.

**How to switch**

1. Open the Brightwave app and go to *Mobile → SIM settings*.
2. Choose *Switch to eSIM* and follow the steps. You'll need Wi-Fi during setup.
3. Your physical SIM stops working as soon as the eSIM is active.

Supported phones and a step-by-step guide with screenshots: https://example.com/help/esim

Thanks for pushing us on this one. If anything goes wrong, post in Mobile & SIM and we'll help.

— Rahul, mobile product team (posted by the community team)`,
    replies: [
      { author: 'kenji', hoursAfter: 3, body: 'Finally! Does the transfer also work when I move to a new phone, or do I need to request a new eSIM each time?' },
      {
        author: 'rahul',
        hoursAfter: 5,
        body: `Good question. On a new phone you do a fresh *Switch to eSIM* from the app on the new device — the old profile is deactivated automatically. It's free, there's no limit on how often you do it.`,
      },
      { author: 'member', hoursAfter: 30, body: 'Did it on my phone over lunch, took about five minutes. 👍' },
    ],
  },
  {
    board: 'announcements',
    kind: 'discussion',
    title: 'Planned network maintenance — northern region, night of Tuesday to Wednesday',
    author: 'pieter',
    daysAgo: 9,
    body: `We're replacing core routers that serve the northern region.

- **When:** Tuesday 00:00 – 05:00
- **Who:** home internet customers in the northern region. Mobile is **not** affected.
- **What you'll notice:** up to two short interruptions of about 10 minutes each.

No action needed on your side; the Hub reconnects by itself. Live status is on https://example.com/status.

Pieter — network operations`,
    replies: [
      { author: 'sofia', hoursAfter: 4, body: 'Thanks for the heads-up. Will a landline call that runs over the Hub drop as well?' },
      { author: 'pieter', hoursAfter: 6, body: 'Yes, home phone service over the Hub will drop during those two interruptions too. Calls from mobile are fine.' },
      { author: 'pieter', hoursAfter: 32, body: '**Update:** maintenance finished at 03:40, with one interruption of 7 minutes. Thanks for your patience, everyone.' },
    ],
  },
  {
    board: 'announcements',
    kind: 'discussion',
    title: 'Community update: solved threads can now become help articles',
    author: 'manager',
    daysAgo: 2,
    body: `A small change you'll start to notice: when a thread here gets a really good accepted answer, the community team can turn it into a **knowledge-base article** — with credit to whoever wrote the answer.

The first ones are live, including the Wi-Fi calling guide from this community. Thank you to everyone who writes thorough answers; you are helping a lot more people than the one who asked.`,
    replies: [
      { author: 'oliver', hoursAfter: 9, body: 'Ha, I recognise that Wi-Fi calling article. Happy to see it being useful.' },
    ],
  },

  // ======================================================================
  // Mobile & SIM
  // ======================================================================
  {
    board: 'mobile-sim',
    kind: 'question',
    title: 'eSIM activation stuck on "Activating…" on a Pixel 8',
    author: 'kenji',
    daysAgo: 18,
    body: `Followed the new eSIM steps in the app. The QR code scanned fine, but the phone has been showing **Activating…** for over an hour. No signal, and my physical SIM is already dead.

Anything I can try before calling support?`,
    replies: [
      { author: 'marco', hoursAfter: 1, body: 'Had the same on an older phone. A restart fixed it for me, but it took two tries.' },
      { author: 'kenji', hoursAfter: 2, body: 'Restarted twice, still stuck.' },
      {
        author: 'employee',
        hoursAfter: 3,
        accepted: true,
        body: `Hi Kenji, Tom from support here. We've seen this on a few Pixels when the activation starts on mobile data instead of Wi-Fi. Try this:

1. Connect to **Wi-Fi**.
2. Go to *Settings → Network & internet → SIMs*, remove the stuck eSIM profile.
3. In the Brightwave app, choose *Switch to eSIM* again — this generates a **new** QR code; the old one won't work twice.

If it still hangs after that, send me a private message and I'll check the activation on our side. Please don't post your number here.`,
      },
      { author: 'kenji', hoursAfter: 4, body: 'The new QR code did it, up and running. The "old one won\'t work twice" bit should really be in the guide. Thanks Tom!' },
      { author: 'employee', hoursAfter: 6, body: 'Agreed — I\'ve asked the help-centre team to add it. 🙂' },
    ],
  },
  {
    board: 'mobile-sim',
    kind: 'discussion',
    title: '€140 in roaming charges for one weekend in Switzerland?!',
    author: 'marco',
    daysAgo: 12,
    body: `Just opened my bill. **€140** in data roaming for a two-day trip to Zürich. I have "roaming included" on my plan and I didn't get a single warning text.

I'm honestly furious. How is this "included"?`,
    replies: [
      {
        author: 'oliver',
        hoursAfter: 2,
        body: `Sorry to hear that. I suspect it's this: Switzerland isn't in the EU, so "roam like at home" usually doesn't cover it. Doesn't excuse the missing warning text though.`,
      },
      {
        author: 'mei',
        hoursAfter: 4,
        body: `Hi Marco, I'm Mei from the billing team. I'm sorry — that's a nasty surprise to open a bill to.

Oliver is right that Switzerland is outside the included zone, but you should have received a text when you arrived and another one when you passed €50. That clearly didn't happen, and that part is on us.

I've sent you a private message so we can look at your account there. Please don't share any account details in this thread.`,
      },
      { author: 'marco', hoursAfter: 27, body: 'Update: Mei sorted it via private message and the charge is being credited. Still think the plan page should say in **bold** which countries are not included.' },
      {
        author: 'mei',
        hoursAfter: 29,
        body: `Glad that's resolved, and thanks for the update. You're right about the plan page — I've passed that on, together with the missing warning texts, which our network team is investigating.

For everyone else: the list of included countries is at https://example.com/help/roaming-zones, and you can set a hard **spending cap** in the app under *Mobile → Roaming*.`,
      },
      { author: 'aisha', hoursAfter: 50, body: 'Didn\'t know about the spending cap. Just set it on all five phones in our family plan before the summer holidays. Thanks!' },
    ],
  },
  {
    board: 'mobile-sim',
    kind: 'question',
    title: 'How do I turn on Wi-Fi calling on an iPhone?',
    author: 'aisha',
    daysAgo: 38,
    body: 'Our kitchen is a mobile-signal black hole. I read that Brightwave supports Wi-Fi calling — how do I switch it on?',
    replies: [
      {
        author: 'oliver',
        hoursAfter: 1,
        accepted: true,
        body: `It's quick:

1. *Settings → Phone → Wi-Fi Calling*
2. Toggle **Wi-Fi Calling on This iPhone**
3. Confirm your emergency address when asked (that goes to Brightwave, not to this forum)

After a minute or two you should see **Brightwave Wi-Fi** in the status bar. A couple of tips:

- It only works on iOS 16 or newer.
- If the toggle is greyed out, restart the phone once after your SIM is activated.`,
      },
      { author: 'aisha', hoursAfter: 3, body: 'Perfect, working in the kitchen now. My mother-in-law will be delighted (or not). 😄' },
    ],
  },
  {
    board: 'mobile-sim',
    kind: 'discussion',
    title: 'Calls dropping on the coastal train line — anyone else?',
    author: 'oliver',
    daysAgo: 26,
    body: `I take the coastal line twice a week and calls drop reliably between the second and third stop, every single time. Data is patchy too.

Curious if it's just my phone or whether others see the same.`,
    replies: [
      { author: 'anna', hoursAfter: 5, body: 'Same here. I\'ve learned to say "I\'ll call you back in ten minutes" before the train leaves the station.' },
      { author: 'marco', hoursAfter: 8, body: 'Also confirmed, both on my work phone and my own.' },
      {
        author: 'pieter',
        hoursAfter: 22,
        body: `Thanks for reporting this — it's not your phones. There's a gap in coverage along that stretch, between two masts that are quite far apart, and the cuttings along the track don't help.

I can't give you a date yet, but an extra site for that stretch is in planning. I'll post here once there is something concrete. In the meantime, specific spots and times are genuinely useful to us — if you log them at https://example.com/coverage/report they go straight to my team.`,
      },
      { author: 'oliver', hoursAfter: 30, body: 'Appreciate the honest answer instead of "we have excellent coverage". Reported three spots.' },
    ],
  },
  {
    board: 'mobile-sim',
    kind: 'discussion',
    title: 'Is 5G actually worth upgrading for?',
    author: 'marco',
    daysAgo: 31,
    body: 'My phone contract is up for renewal and the 5G plans cost a bit more. For people who already have it: do you notice a difference day to day, or is it mostly marketing?',
    replies: [
      { author: 'oliver', hoursAfter: 3, body: 'In the city centre, yes — downloads are noticeably quicker and it holds up better in crowded places like the station. Out in the countryside I mostly see 4G anyway.' },
      { author: 'kenji', hoursAfter: 5, body: 'Honestly anyone who pays extra for 5G to scroll social media is being taken for a ride.' },
      { author: 'moderator', hoursAfter: 7, body: 'Let\'s keep it about the plans rather than the people choosing them, please — everyone uses their phone differently. Coverage maps per area are at https://example.com/coverage if that helps the decision.' },
      { author: 'kenji', hoursAfter: 8, body: 'Fair, that came out harsher than meant. My point: check the coverage map for where *you* spend your day before paying for it.' },
    ],
  },
  {
    board: 'mobile-sim',
    kind: 'question',
    title: 'Can I keep my number when moving from prepaid to a contract?',
    author: 'member',
    daysAgo: 44,
    body: 'I\'ve been on prepaid for years and want to move to a monthly plan. Do I keep my number, and will I lose my remaining credit?',
    replies: [
      {
        author: 'employee',
        hoursAfter: 4,
        accepted: true,
        body: `Hi Jamie, yes — you keep your number. When you pick a monthly plan in the app and choose **"Use my current Brightwave number"**, we move it over; there's usually no interruption at all.

About your credit: anything left on your prepaid balance is turned into a credit on your first monthly bill. It won't disappear.

— Tom`,
      },
      { author: 'member', hoursAfter: 8, body: 'Great, that was the bit I was worried about. Switched, thank you!' },
    ],
  },
  {
    board: 'mobile-sim',
    kind: 'question',
    title: 'No mobile data abroad even though roaming is switched on',
    author: 'anna',
    daysAgo: 4,
    body: `In Lisbon for work. Calls and texts work, but mobile data doesn't at all, even with **Data roaming** on. Phone shows full bars and "4G".

Any idea?`,
    replies: [
      {
        author: 'kenji',
        hoursAfter: 1,
        accepted: true,
        body: `Check the APN. Some phones lose it after an update, and at home it doesn't matter because of a fallback. It should be:

\`\`\`
APN:      internet.brightwave
Username: (empty)
Password: (empty)
\`\`\`

On Android: *Settings → Network → SIM → Access Point Names*. Full list on https://example.com/help/apn-settings.`,
      },
      { author: 'anna', hoursAfter: 2, body: 'That was it! The APN field was completely empty. Back online, thank you @kenji-w!' },
    ],
  },
  {
    board: 'mobile-sim',
    kind: 'question',
    title: 'Visual voicemail stopped working after the latest iOS update',
    author: 'sofia',
    daysAgo: 1,
    body: `Since updating my iPhone yesterday, the voicemail tab just says **"Visual Voicemail is currently unavailable"**. Calling voicemail the old way still works.

Tried restarting and toggling airplane mode. Is anyone else seeing this?`,
    replies: [],
  },

  // ======================================================================
  // Home Internet & Wi-Fi
  // ======================================================================
  {
    board: 'home-internet',
    kind: 'discussion',
    title: 'Paying for 500 Mbit/s, getting 40 in the evenings',
    author: 'oliver',
    daysAgo: 8,
    body: `For the last three weeks my connection has been falling apart every evening. Daytime I get **470–490 Mbit/s**, from about 19:00 to 23:00 it drops to **30–40 Mbit/s**, with video calls stuttering.

Already done:

- Tested on a cable, not Wi-Fi
- Rebooted the Hub
- Swapped the Ethernet cable

I'm paying for 500. This isn't acceptable.`,
    replies: [
      { author: 'member', hoursAfter: 3, body: 'Same pattern here, in the same part of town I think. Evenings are unusable for streaming.' },
      {
        author: 'pieter',
        hoursAfter: 5,
        body: `Hi Oliver, Pieter from network operations. Thanks for testing on a cable — that saves a lot of back and forth.

What you describe matches what I'm seeing on our side: the local node that serves your area is **running out of capacity** in the evening peak. That's our problem to fix, not something wrong in your home.

I'll come back here tomorrow with what we're doing about it.`,
      },
      {
        author: 'pieter',
        hoursAfter: 28,
        body: `As promised, an update:

- The node is being **split into two** — work is scheduled for the coming two weeks.
- Until then we've moved some traffic to a neighbouring node, which should take the worst edge off.

@demo-member, that very likely covers your connection too. If you'd like to check, send me a private message — please don't post your address here.`,
      },
      { author: 'oliver', hoursAfter: 52, body: 'Evening tests last night: 180–220 Mbit/s. Not 500, but already a lot better. I\'ll report back after the split.' },
      { author: 'mei', hoursAfter: 54, body: 'One more thing from the billing side: if your speed was well below what you pay for, you can request a partial refund for that period at https://example.com/help/speed-guarantee. Happy to help via private message if the form gives you trouble.' },
    ],
  },
  {
    board: 'home-internet',
    kind: 'discussion',
    title: 'Third installation appointment missed — nobody showed up again',
    author: 'sofia',
    daysAgo: 0,
    body: `This is the **third time** I've taken a morning off work for a fibre installation and nobody came. No call, no text. The app still says "Technician on the way".

I work from home as a translator and I'm currently tethering from my phone. I'd really like someone to explain what is going on.`,
    replies: [],
  },
  {
    board: 'home-internet',
    kind: 'question',
    title: 'Best place for the Hub in a three-floor house?',
    author: 'anna',
    daysAgo: 35,
    body: `The fibre comes in at the ground floor, so that's where the Hub is. The top floor (where I work) barely gets any Wi-Fi.

Should I move the Hub, buy a repeater, or get a mesh system?`,
    replies: [
      { author: 'oliver', hoursAfter: 2, body: 'Repeaters usually halve your speed. If you can run a cable upstairs, do that and put an access point there. Otherwise mesh.' },
      { author: 'kenji', hoursAfter: 4, body: 'Also check you\'re on 5 GHz upstairs — 2.4 GHz goes through floors better but it\'s much slower.' },
      {
        author: 'employee',
        hoursAfter: 6,
        accepted: true,
        body: `Both good tips. Here's what I'd suggest for three floors:

1. Keep the Hub where the fibre enters, but **up high** and not in a cupboard.
2. Add **two Brightwave Wi-Fi Pods** (mesh): one on the first floor, one on the top floor, roughly above each other.
3. If there's an Ethernet cable available between floors, plug the Pods into it — that's the best of both worlds.

The Pods pair automatically with the Hub. Setup guide: https://example.com/help/wifi-pods

— Tom, support`,
      },
      { author: 'anna', hoursAfter: 72, body: 'Went with two Pods. Top floor now gets about 300 Mbit/s instead of "one bar and a prayer". Thank you all!' },
    ],
  },
  {
    board: 'home-internet',
    kind: 'question',
    title: 'Port forwarding on the Brightwave Hub 3 for a home server',
    author: 'kenji',
    daysAgo: 15,
    body: `I've added a port forwarding rule on the Hub 3 (TCP 443 → \`192.168.1.50\`), but from outside the connection just times out.

\`\`\`
$ curl -I https://my-home-server.example.org
curl: (28) Connection timed out after 10001 milliseconds
\`\`\`

Locally it works fine. Is Brightwave blocking inbound traffic?`,
    replies: [
      {
        author: 'employee',
        hoursAfter: 5,
        accepted: true,
        body: `We don't block port 443, but I think you're behind **CGNAT** — newer connections share a public IPv4 address, so port forwarding on the Hub can't work from outside.

How to check: compare the WAN address in the Hub (*Advanced → Status*) with what https://example.com/my-ip shows. If they differ, that's it.

The fix is free: request a **dedicated public IPv4 address** in the app under *Internet → Advanced*. It takes effect after the next Hub restart, usually within an hour.`,
      },
      { author: 'kenji', hoursAfter: 9, body: 'Addresses were different indeed. Requested a public IP, restarted, and `curl` returns `200 OK` now. Thanks Tom!' },
    ],
  },
  {
    board: 'home-internet',
    kind: 'discussion',
    title: 'Share your speed test results: fibre vs cable',
    author: 'marco',
    daysAgo: 52,
    body: `Curious what people actually get. Post your plan, connection type and a **wired** test result. I'll start:

| Plan | Type | Down | Up | Ping |
|---|---|---|---|---|
| 1 Gbit | Fibre | 941 | 936 | 3 ms |`,
    replies: [
      { author: 'anna', hoursAfter: 4, body: '500 Mbit fibre: 488 down / 480 up / 4 ms. Very happy with it — on a cable, that is. 🙃' },
      { author: 'oliver', hoursAfter: 7, body: '500 Mbit cable: 495 down / 48 up / 11 ms during the day. The upload on cable is the real difference with fibre.' },
      { author: 'kenji', hoursAfter: 30, body: '1 Gbit fibre: 938 / 930 / 2 ms. Tip: the browser test tops out around 700 on older laptops, use a proper test client if you want to see the real number.' },
      { author: 'aisha', hoursAfter: 75, body: 'Just 100 Mbit cable here and honestly it\'s fine for five people. 97 / 20 / 14 ms.' },
    ],
  },
  {
    board: 'home-internet',
    kind: 'question',
    title: 'Wi-Fi drops every night around 2 am',
    author: 'member',
    daysAgo: 3,
    body: 'Every night at about 02:00 my Wi-Fi goes away for a few minutes. Not a big deal, but my security cameras send an alert each time. What is the Hub doing at that hour?',
    replies: [
      { author: 'oliver', hoursAfter: 2, body: 'Sounds like the automatic firmware check. Mine restarts around the same time.' },
      {
        author: 'employee',
        hoursAfter: 4,
        accepted: true,
        body: `Oliver's right. The Hub checks for updates nightly and restarts its Wi-Fi radio if it installed something. You can move that window:

*Hub settings → System → Maintenance window* — pick any hour that suits you.

Since there were a couple of updates in the last weeks, it may also settle down on its own.`,
      },
      { author: 'member', hoursAfter: 5, body: 'Moved it to 04:30, cameras will survive. Thanks!' },
    ],
  },
  {
    board: 'home-internet',
    kind: 'question',
    title: 'Any timeline for IPv6 on home internet?',
    author: 'aisha',
    daysAgo: 6,
    body: 'My son is asking (he games a lot, and apparently it matters). Is IPv6 coming, and if so, when?',
    replies: [
      { author: 'kenji', hoursAfter: 8, body: '+1, would love an official answer on this. It would also solve the CGNAT problem for a lot of people.' },
    ],
  },

  // ======================================================================
  // Billing & Plans
  // ======================================================================
  {
    board: 'billing-plans',
    kind: 'discussion',
    title: 'Charged twice for March after switching plans',
    author: 'aisha',
    daysAgo: 14,
    body: `I moved our family from the old plan to the new Family 5 plan on the 10th of March. This month's bill charges **both plans for the full month**.

Support chat told me it "will correct itself". It's been two weeks. Can someone actually look at this?`,
    replies: [
      {
        author: 'mei',
        hoursAfter: 3,
        body: `Hi Aisha, Mei from billing. That shouldn't happen — when you switch mid-month, each plan should only be charged for the days you actually had it.

I don't want you to wait on "it will correct itself", so I'm taking this one myself. I've sent you a private message; please reply there rather than posting any account details here.`,
      },
      {
        author: 'mei',
        hoursAfter: 26,
        body: `Quick update for anyone else who switched plans in March: we found a bug that charged the old plan for the full month when the switch happened during a billing run. It's fixed, and affected bills are being corrected automatically — you'll see the difference as a credit on your next bill.

Aisha, yours is already done; details are in your inbox.`,
      },
      {
        author: 'aisha',
        hoursAfter: 30,
        body: `Thank you, Mei — genuinely. One suggestion though:

> It's fixed, and affected bills are being corrected automatically

It would have been nice to get an e-mail saying this, instead of finding it out on a forum.`,
      },
      { author: 'manager', hoursAfter: 34, body: 'Fair point, Aisha. I\'ve raised it with the billing and communications teams — affected customers should hear about a correction from us directly. Thanks for being persistent about it.' },
    ],
  },
  {
    board: 'billing-plans',
    kind: 'discussion',
    title: 'Support closed my case three times without fixing anything',
    author: 'sofia',
    daysAgo: 22,
    body: `I've contacted support three times about a direct debit that failed even though the money was there. Each time, the case was closed as "resolved" within an hour. Nothing was resolved. Now I've got a late payment fee on top.

I'm not angry at the people on the phone, but the process is broken.`,
    replies: [
      {
        author: 'employee',
        hoursAfter: 2,
        body: `Hi Sofía, Tom here, I work in support. I'm sorry. Closing a case three times without fixing it is exactly what shouldn't happen, and I understand why you've lost patience.

I've picked this up personally and sent you a private message. I'll stay on it until the direct debit works **and** the fee is gone.`,
      },
      { author: 'marco', hoursAfter: 6, body: 'Had a similar "resolved" experience last year. Good to see someone taking ownership for once.' },
      { author: 'sofia', hoursAfter: 49, body: 'Update: the direct debit went through this morning and the late fee has been removed. Thanks Tom. I hope the "auto-close" thing gets looked at though.' },
      { author: 'employee', hoursAfter: 51, body: 'It will — I\'ve shared your case (without personal details) with our team lead as an example of why we need to change it. Thanks for your patience, really.' },
    ],
  },
  {
    board: 'billing-plans',
    kind: 'question',
    title: 'What is the "network access fee" on my bill?',
    author: 'oliver',
    daysAgo: 45,
    body: 'New line on my home internet bill: **Network access fee — €2.50**. I don\'t remember agreeing to this. What is it?',
    replies: [
      {
        author: 'mei',
        hoursAfter: 5,
        accepted: true,
        body: `Good question, and sorry it wasn't explained better on the bill itself.

The network access fee covers the line between the street cabinet and your home, which we rent from the network owner. It used to be included in the plan price; since the last price change it's shown as a separate line. **Your total didn't change** — the plan line went down by the same amount.

More detail: https://example.com/help/bill-explained#network-access-fee`,
      },
      { author: 'oliver', hoursAfter: 9, body: 'Checked it, the total is indeed identical. Odd way to present it, but fine. Thanks.' },
    ],
  },
  {
    board: 'billing-plans',
    kind: 'question',
    title: 'Where do I switch to paperless billing?',
    author: 'kenji',
    daysAgo: 55,
    body: 'Still getting paper bills in the post. I\'ve looked through the app twice and can\'t find the setting.',
    replies: [
      { author: 'anna', hoursAfter: 3, accepted: true, body: 'It\'s hidden in the web portal, not the app: *My account → Billing preferences → Delivery → E-mail only*. Took me ages to find as well.' },
      { author: 'kenji', hoursAfter: 5, body: 'Found it, thanks Anna. This should really be in the app.' },
      { author: 'rahul', hoursAfter: 26, body: 'Agreed, and it\'s on the list for the next app release. Thanks for saying so.' },
    ],
  },
  {
    board: 'billing-plans',
    kind: 'discussion',
    title: 'Price went up in the middle of my contract — is that even allowed?',
    author: 'marco',
    daysAgo: 2,
    body: `Got an e-mail saying my mobile plan goes up by €3 a month from next month. I'm halfway through a two-year contract and I thought the price was fixed.

Is this legal? Can I leave without paying the remaining months?`,
    replies: [
      { author: 'oliver', hoursAfter: 5, body: 'As far as I know you usually get the right to cancel without a fee when the price goes up mid-contract, but check the exact wording of the e-mail. Would like to hear Brightwave\'s answer too.' },
    ],
  },
  {
    board: 'billing-plans',
    kind: 'question',
    title: 'Does the family plan work for members in different households?',
    author: 'anna',
    daysAgo: 10,
    body: 'My mum lives in another city. Can I add her phone to my family plan, or does everyone need to live at the same address?',
    replies: [
      {
        author: 'rahul',
        hoursAfter: 6,
        accepted: true,
        body: `Yes, you can. The family plan is about who pays, not where people live — there is **no address requirement**.

- Up to **5** lines on one plan
- Each line keeps its own number
- The plan owner manages everyone from *Family → Members* in the app

Your mum gets an invitation by e-mail and has to accept it herself.`,
      },
      { author: 'anna', hoursAfter: 10, body: 'Brilliant, invitation sent.' },
    ],
  },

  // ======================================================================
  // Ideas & Feedback
  // ======================================================================
  {
    board: 'ideas',
    kind: 'discussion',
    title: 'Idea: let us pause home internet during long trips',
    author: 'anna',
    daysAgo: 28,
    body: `Every summer we're away for six weeks and I pay full price for internet in an empty house.

**Proposal:** a "holiday pause" — for up to two months a year, the connection drops to a basic speed (enough for a smart thermostat and a camera) for a small fee.`,
    replies: [
      { author: 'marco', hoursAfter: 2, body: '+1. Would use this every year.' },
      {
        author: 'oliver',
        hoursAfter: 5,
        body: `Devil's advocate: the network costs the same whether you're home or not. If lots of people pause, the rest of us pay for it through higher prices. I'd rather keep prices low.`,
      },
      {
        author: 'kenji',
        hoursAfter: 9,
        body: `Middle ground? Other providers let you **switch down** to a cheaper plan for a few months without a fee and switch back up later. No new product needed, just a rule change.`,
      },
      { author: 'anna', hoursAfter: 12, body: '@kenji-w that would be good enough for me, honestly.' },
      {
        author: 'rahul',
        hoursAfter: 30,
        body: `Really useful discussion, thanks. I work on our plans, so a bit of honesty: a full pause is hard for the reason Oliver gives. Kenji's "switch down and back without a fee" idea is much easier for us and I'm taking it to our next planning session.

I can't promise a date, but I'll post here either way.`,
      },
      { author: 'manager', hoursAfter: 31, body: 'Marked this idea as **Under review**. Keep the kudos coming — they do get counted.' },
    ],
  },
  {
    board: 'ideas',
    kind: 'discussion',
    title: 'Roll over unused mobile data to next month',
    author: 'oliver',
    daysAgo: 16,
    body: 'Most months I use about half my data. Letting unused data roll over for one month would make the bigger plans feel a lot less wasteful.',
    replies: [
      { author: 'aisha', hoursAfter: 7, body: 'Yes please — and let family plan members share the leftovers. My teenagers would run a black market otherwise.' },
      { author: 'member', hoursAfter: 20, body: 'I\'d prefer a cheaper plan with less data over rollover, to be honest. But no objection.' },
      { author: 'rahul', hoursAfter: 40, body: 'Noted, both ideas. Data sharing in family plans is actually something we\'re looking at already. Rollover less so, but this thread helps.' },
    ],
  },
  {
    board: 'ideas',
    kind: 'discussion',
    title: 'Feedback on the new Brightwave app (version 5)',
    author: 'kenji',
    daysAgo: 5,
    body: `Been using the new app for a week. Quick review:

**Good**
- Much faster to start
- Usage graph is finally readable
- eSIM switch in two taps

**Not so good**
- Bills are now three menus deep
- Dark mode ignores the system setting
- Logged out every few days`,
    replies: [
      { author: 'sofia', hoursAfter: 3, body: 'The random logouts drive me crazy too. Every time I need to check something, I have to log in again.' },
      {
        author: 'rahul',
        hoursAfter: 6,
        body: `Thanks for the structured feedback, that's gold.

> Logged out every few days

That's a bug — the fix is in review and should ship in **5.0.3**. Bills being hidden away was a deliberate choice, but judging by this thread we got it wrong. I'll bring it back to the home screen.`,
      },
      { author: 'marco', hoursAfter: 26, body: 'Happy to hear bills are coming back to the home screen. That was the only thing I ever opened the app for.' },
    ],
  },
  {
    board: 'ideas',
    kind: 'discussion',
    title: 'Dark mode for the web account portal',
    author: 'sofia',
    daysAgo: 7,
    body: 'The app has dark mode, the web portal blinds me at night. Small thing, but it would be nice.',
    replies: [
      { author: 'anna', hoursAfter: 14, body: '+1 from me.' },
    ],
  },

  // ======================================================================
  // Staff Lounge (staff only)
  // ======================================================================
  {
    board: 'staff-lounge',
    kind: 'discussion',
    title: 'Reminder: when a thread needs account details',
    author: 'manager',
    daysAgo: 33,
    pinned: true,
    body: `Quick reminder for everyone answering in public:

1. **Never** mention a customer's account number, address, phone number, contract end date or their personal offer in a post — even if they posted it first.
2. Move the conversation to a private message and say so in the thread.
3. Post a **general** update back in the thread when it's solved, so others learn from it.
4. Not sure whether something is OK to post? Use **Ask the community team** in the composer. We'd much rather look at a draft than fix a post.

The full guidelines: https://example.com/community/employee-guidelines`,
    replies: [
      { author: 'moderator', hoursAfter: 3, body: 'The composer warning already caught me once when I pasted a note from our ticket system. Useful.' },
      { author: 'pieter', hoursAfter: 5, body: 'Question: may I say "your bill has been corrected" in public, or is that already too much?' },
      { author: 'manager', hoursAfter: 7, body: 'That\'s fine, Pieter — it says nothing about the customer beyond what they told us publicly. Amounts, dates and plan details stay in the private message.' },
    ],
  },
  {
    board: 'staff-lounge',
    kind: 'discussion',
    title: 'Evening speed complaints in the east — let\'s coordinate',
    author: 'pieter',
    daysAgo: 7,
    body: `We're getting several evening speed threads from the same area. Root cause is the overloaded node I mentioned in the public thread; the split is scheduled.

To keep things consistent:

- Link to the public thread instead of explaining it from scratch each time
- Don't promise an exact date for the split until it's confirmed
- Point people to the speed-guarantee refund page`,
    replies: [
      { author: 'manager', hoursAfter: 2, body: 'Will do. I\'ll also flag the refund requests from that area so they go through without extra checks.' },
      { author: 'moderator', hoursAfter: 4, body: 'I\'ll merge duplicate threads into the main one where it makes sense and leave a note for the authors so nobody feels ignored.' },
      { author: 'admin', hoursAfter: 9, body: 'FYI I\'ve added the status page as a featured link on the Home Internet board until the work is done.' },
    ],
  },
];

// The private side of the evening-speed thread: the member writes to the engineer who asked them
// to, and he brings in billing for the speed-guarantee refund.
export const demoConversations: DemoConversation[] = [
  {
    subject: 'Evening speed: is my street on the node being split?',
    daysAgo: 2,
    from: 'member',
    to: ['pieter'],
    steps: [
      { hoursAfter: 0, author: 'member', body: 'Hi Pieter, you asked me to message you about the evening slowdown. Same here: 60–90 Mbit/s after 8 pm on the 500 plan, on a cable, every evening this week. Is my connection on the node you are splitting?' },
      { hoursAfter: 3, author: 'pieter', body: 'Hi Jamie, I checked your line: yes, you are on that node, so the split next week should fix the evenings for you too.\n\nYou were well below your speed for a while, so I am adding Mei from billing: she can credit part of your bill under the speed guarantee.' },
      { hoursAfter: 3, adds: ['mei'], by: 'pieter' },
      { hoursAfter: 20, author: 'mei', body: 'Hi Jamie, Mei from billing. I have credited a partial refund for the last two weeks; you will see it on your next invoice. Nothing else to do on your side.' },
    ],
    readBy: ['pieter', 'mei'],
  },
];
