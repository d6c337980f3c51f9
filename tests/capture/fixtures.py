"""The fixture "internet": post pages and the platforms' JSON answers, on loopback."""

from __future__ import annotations

X_ID = "1382350606417817604"
X_USER_ID = "9007199254740993123"
"""Larger than 2**53: a float would change its last digits."""
BSKY_RKEY = "3kq2xyzabcd2a"
BSKY_DID = "did:plc:abcdefghijklmnopqrstuvwx"
MASTO_ID = "109876543210987654"
MASTO_ACCOUNT = "109000000000000001"

X_URL = f"https://x.com/someone/status/{X_ID}"
BSKY_URL = f"https://bsky.app/profile/alice.bsky.social/post/{BSKY_RKEY}"
MASTO_URL = f"https://mastodon.social/@bob/{MASTO_ID}"

X_FOUND = (
    '{"__typename":"Tweet","id_str":"' + X_ID + '","text":"you will regret this",'
    '"created_at":"2021-04-14T15:10:42.000Z",'
    '"user":{"id":' + X_USER_ID + ',"id_str":"' + X_USER_ID + '","screen_name":"someone"}}'
)
X_BARE_NUMBER = (
    '{"__typename":"Tweet","text":"t","created_at":"2021-04-14T15:10:42.000Z",'
    '"user":{"id":' + X_USER_ID + ',"screen_name":"someone"}}'
)
X_TOMBSTONE = (
    '{"__typename":"TweetTombstone","tombstone":{"text":{"text":"This Post was deleted '
    'by the Post author."}}}'
)
X_SUSPENDED = (
    '{"__typename":"TweetTombstone","tombstone":{"text":{"text":"This Post is from a '
    'suspended account."}}}'
)
BSKY_FOUND = (
    '{"thread":{"$type":"app.bsky.feed.defs#threadViewPost","post":{"uri":"at://'
    + BSKY_DID
    + "/app.bsky.feed.post/"
    + BSKY_RKEY
    + '","author":{"did":"'
    + BSKY_DID
    + '","handle":"alice.bsky.social"},"record":{"text":"bsky insult",'
    '"createdAt":"2024-04-14T05:08:13.000Z"}}}}'
)
BSKY_NOT_FOUND = '{"thread":{"$type":"app.bsky.feed.defs#notFoundPost","notFound":true}}'
BSKY_BLOCKED = '{"thread":{"$type":"app.bsky.feed.defs#blockedPost","blocked":true}}'
MASTO_FOUND = (
    '{"id":"' + MASTO_ID + '","created_at":"2023-02-16T21:29:55.000Z",'
    '"content":"<p>toot <b>threat</b></p><script>x</script>",'
    '"account":{"id":"' + MASTO_ACCOUNT + '","acct":"bob",'
    '"url":"https://mastodon.social/@bob"}}'
)

POST_PAGE = """<!doctype html><html lang="en"><head><title>{title}</title></head>
<body style="margin:0;font:20px sans-serif">
<div id="onetrust-banner-sdk" style="position:fixed;bottom:0;left:0;right:0;height:180px;
 background:#f5c400">We use cookies. Accept?</div>
<h1>{title}</h1><p>{text}</p>
</body></html>"""
