package payout

import (
	"bytes"
	"testing"
)

func TestWriteCSV(t *testing.T) {
	lines := []Line{
		{KindAgent, "a1", "Ann (log)", "EUR", 1234},
		{KindAgent, "a2", "=HYPERLINK(\"x\")", "EUR", 5},
		{KindIdentity, "git:bo@example.org", "Bo, \"B\"", "JPY", 1500},
		{KindPool, "-infra", "", "KWD", 12345},
	}
	payees := map[string]Payee{
		"agent:a1": {"agent:a1", "Ann Example", "DE89370400440532013000", "COBADEFFXXX"},
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, lines, payees); err != nil {
		t.Fatal(err)
	}
	want := "recipient_kind,recipient,name,currency,amount,amount_decimal,iban,bic\n" +
		"agent,a1,Ann Example,EUR,1234,12.34,DE89370400440532013000,COBADEFFXXX\n" +
		"agent,a2,\"'=HYPERLINK(\"\"x\"\")\",EUR,5,0.05,,\n" +
		"identity,git:bo@example.org,\"Bo, \"\"B\"\"\",JPY,1500,1500,,\n" +
		"pool,'-infra,,KWD,12345,12.345,,\n"
	if b.String() != want {
		t.Errorf("WriteCSV wrote\n%s\nwant\n%s", b.String(), want)
	}
}
