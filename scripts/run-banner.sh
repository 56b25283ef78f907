#!/usr/bin/env bash
# Printed by `make run` before the server starts: how to try a call.
cat <<BANNER

callgate is starting on http://$1 with the demo customers and flows/caller-id-otp.json.

Try a call in another terminal (the console simulator uses the same database and SMS outbox):

  # a known customer whose number carries STIR/SHAKEN attestation A: greeted by name
  build/callgate call --config demo/callgate.toml --from +14155550100 --attest A

  # an unknown number: a one-time PIN is "texted" to var/outbox.jsonl; type it at the keypad prompt
  build/callgate call --config demo/callgate.toml --from +14155550199
  tail -n1 var/outbox.jsonl

  # user id + PIN (Ada: 12345678, PIN 4321): a link to add a member is texted to her number on file
  build/callgate call --config demo/callgate.toml --flow flows/voice-login.json --from +14155550177

Or call the Amazon Connect function endpoints:

  curl -s http://$1/connect/v1/lookup-caller -d '{"Details":{"ContactData":{"CustomerEndpoint":{"Address":"+14155550100","Type":"TELEPHONE_NUMBER"}},"Parameters":{"attestation":"A"}},"Name":"ContactFlowEvent"}'

Or call it over SIP on 127.0.0.1:5060 (UDP or TCP) from any softphone, e.g. baresip: dial
sip:+18005550100@127.0.0.1:5060 for the caller-ID + SMS PIN flow, sip:+18005550199@127.0.0.1:5060
for user id + PIN (say the user id, "one two three four five six seven eight", or key it).
Transfers go by REFER to sip:agent@127.0.0.1:5090 ([sip] in demo/callgate.toml).

Stop with Ctrl-C.
BANNER
