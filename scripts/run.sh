#!/bin/sh
# `make run`: the service with its embedded defaults on one machine.
# SQLite, software keys, mail into the instance's local mailbox, and the
# registry simulator with synthetic people. On first start it creates the
# instance in development mode (the mailbox can be read in the browser)
# and a first ADMIN whose password and TOTP enrolment go to a 0600 file.
set -eu
DIR=${DIR:-./var}
LISTEN=${LISTEN:-127.0.0.1:8080}
SIM_LISTEN=${SIM_LISTEN:-127.0.0.1:8090}
S=./build/sertel

if [ ! -f "$DIR/keys/keystore.pass" ]; then
	$S init --dir "$DIR" --base-url "http://$LISTEN"
	printf '\n# Added by `make run`: a development instance.\ndev_mode = 1\n' \
	    >>"$DIR/sertel.conf"
	pw=$(openssl rand -base64 18)
	umask 077
	{
		echo "user: admin"
		echo "password: $pw"
		echo "$pw" | $S admin user add --dir "$DIR" --username admin \
		    --name "Administrator" --email admin@sertel.invalid \
		    --role ADMIN --password-file - | tail -n 1 | sed 's/^/totp: /'
	} >"$DIR/admin.txt"
	echo "sertel: first ADMIN's credentials are in $DIR/admin.txt"
fi
if [ ! -f "$DIR/registry-sim/people.json" ]; then
	$S registry-sim --generate 50 --out "$DIR/registry-sim" \
	    --agency "Instansi Contoh" >/dev/null
fi

$S registry-sim --listen "$SIM_LISTEN" \
    --people "$DIR/registry-sim/people.json" >"$DIR/registry-sim.log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null' EXIT INT TERM
echo "sertel: registry simulator (synthetic people, a sandbox) on http://$SIM_LISTEN"
echo "sertel: mail goes to $DIR/mailbox/, readable at http://$LISTEN/dev/mailbox"
$S serve --dir "$DIR" --listen "$LISTEN"
