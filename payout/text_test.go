package payout

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestFormatAmount(t *testing.T) {
	for _, tc := range []struct {
		amount   int64
		currency string
		want     string
	}{
		{0, "EUR", "0.00"},
		{1, "EUR", "0.01"},
		{1234, "EUR", "12.34"},
		{100, "EUR", "1.00"},
		{-5, "EUR", "-0.05"},
		{-1234, "EUR", "-12.34"},
		{99_999_999_999, "EUR", "999999999.99"},
		{1234, "XYZ", "12.34"},
		{1234, "JPY", "1234"},
		{-7, "JPY", "-7"},
		{1234, "KWD", "1.234"},
		{5, "KWD", "0.005"},
		{12345, "CLF", "1.2345"},
		{math.MaxInt64, "EUR", "92233720368547758.07"},
		{math.MinInt64, "EUR", "-92233720368547758.08"},
	} {
		if got := FormatAmount(tc.amount, tc.currency); got != tc.want {
			t.Errorf("FormatAmount(%d, %s) = %s, want %s", tc.amount, tc.currency, got, tc.want)
		}
	}
}

func TestSEPAText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Ann Example", "Ann Example"},
		{"a-z A-Z 0-9 / - ? : ( ) . , ' +", "a-z A-Z 0-9 / - ? : ( ) . , ' +"},
		{"Émile Zoë Brontë", "Emile Zoe Bronte"},
		{"Straße", "Strasse"},
		{"Jürgen Müller & Söhne", "Jurgen Muller + Sohne"},
		{"Łukasz Żółć", "Lukasz Zolc"},
		{"Ægir Þórsson", "AEgir THorsson"},
		{"Ştefan Ţăranu", "Stefan Taranu"},
		{"Dvořák", "Dvorak"},
		{"e\u0301cole", "ecole"}, // decomposed é
		{"O’Brien", "O'Brien"},
		{"a_b—c", "a-b-c"},
		{"Иван", "...."},
		{"a@b.org", "a.b.org"},
		{"💸 money", ". money"},
		{"  padded\t", "padded"},
		{"\x00\xff", ".."},
	} {
		if got := SEPAText(tc.in); got != tc.want {
			t.Errorf("SEPAText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTranslitIsInSEPASet(t *testing.T) {
	for r, s := range translit {
		if inSEPASet(r) {
			t.Errorf("%q is in the SEPA set but has a transliteration", r)
		}
		for _, c := range s {
			if !inSEPASet(c) {
				t.Errorf("%q becomes %q, outside the SEPA set", r, s)
			}
		}
	}
}

// testIBAN returns a valid IBAN for a country and BBAN: it computes the
// check digits.
func testIBAN(country, bban string) string {
	d := 98 - ibanMod97(country+"00"+bban)
	return country + strconv.Itoa(d/10) + strconv.Itoa(d%10) + bban
}

func TestCheckIBAN(t *testing.T) {
	for _, iban := range []string{
		// Examples published by the banks and the IBAN registry.
		"DE89370400440532013000",
		"GB82WEST12345698765432",
		"FR1420041010050500013M02606",
		"NL91ABNA0417164300",
		"BE68539007547034",
		"AT611904300234573201",
		"CH9300762011623852957",
		"IT60X0542811101000000123456",
		"ES9121000418450200051332",
		"NO9386011117947",
		"MT84MALT011000012345MTLCAST001S",
		"FI2112345600000785",
		"PL61109010140000071219812874",
		"SE4550000000058398257466",
		"TR330006100519786457841326",
		testIBAN("LU", "0001234567890123"),
		NormalizeIBAN(" de89 3704 0044 0532 0130 00 "),
	} {
		if err := CheckIBAN(iban); err != nil {
			t.Errorf("CheckIBAN(%s): %v", iban, err)
		}
	}
	for _, tc := range []struct{ iban, want string }{
		{"", "too few"},
		{"DE89", "too few"},
		{"DE89370400440532013001", "check digits do not match"},
		{"DE8937040044053201300", "has 22 characters, not 21"},
		{"DE893704004405320130000", "has 22 characters, not 23"},
		{"ZZ89370400440532013000", "unknown IBAN country ZZ"},
		{"de89370400440532013000", "country code"},
		{"D189370400440532013000", "country code"},
		{"DEX9370400440532013000", "check digits"},
		{"DE89 370400440532013000", "character 5 is not"},
		{"DE8937040044053201300Ä", "not a letter or digit"},
		{NormalizeIBAN("de89370400440532013000ı"), "not a letter or digit"},
		{testIBAN("DE", "370400440532013000")[:2] + "00" + "370400440532013000", "check digits do not match"},
	} {
		err := CheckIBAN(tc.iban)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckIBAN(%q) = %v, want %q", tc.iban, err, tc.want)
		}
	}
}

func TestCheckBIC(t *testing.T) {
	for _, bic := range []string{"DEUTDEFF", "DEUTDEFF500", "NEDSZAJJXXX", "1234DE12", NormalizeBIC(" cobadeffxxx ")} {
		if err := CheckBIC(bic); err != nil {
			t.Errorf("CheckBIC(%s): %v", bic, err)
		}
	}
	for _, bic := range []string{"", "DEUTDE", "DEUTDEFF5", "DEUTDEFF50000", "DEUT1EFF", "DEUTDEF-", "deutdeff"} {
		if err := CheckBIC(bic); err == nil {
			t.Errorf("CheckBIC(%q) accepted", bic)
		}
	}
}
