package main

import "testing"

func indexOf(sets map[string]string) *hostIndex {
	h := newHostIndex()
	// Insertion in a fixed order: the index keeps config order within one hostname.
	for _, host := range []string{"*", "*.com", "*.maas.local", "simulator.maas.local", "maas.local", "*.a.maas.local"} {
		if name, ok := sets[host]; ok {
			h.insert(host, &runtimeActionSet{name: name})
		}
	}
	return h
}

func names(sets []*runtimeActionSet) string {
	out := ""
	for i, s := range sets {
		if i > 0 {
			out += ","
		}
		out += s.name
	}
	return out
}

func TestHostIndexLongestSuffixAsWasmShim(t *testing.T) {
	all := indexOf(map[string]string{
		"*.com": "com", "*.maas.local": "wild", "simulator.maas.local": "exact",
		"maas.local": "bare", "*.a.maas.local": "deeper",
	})
	cases := map[string]string{
		"simulator.maas.local":    "exact",  // exact beats the wildcard
		"qwen3.maas.local":        "wild",   // wildcard covers a subdomain
		"x.simulator.maas.local":  "wild",   // an exact name does not cover its subdomains
		"maas.local":              "bare",   // the bare domain is not under *.maas.local
		"b.a.maas.local":          "deeper", // the longest wildcard wins
		"a.maas.local":            "wild",   // *.a.maas.local does not cover a.maas.local
		"example.com":             "com",
		"simulator.maas.localx":   "",
		"xsimulator.maas.local":   "wild", // no partial-label match on an exact name
		"other.org":               "",
		"simulator.maas.local.io": "",
	}
	for host, want := range cases {
		if got := names(all.lookup(host)); got != want {
			t.Errorf("%s: got %q, want %q", host, got, want)
		}
	}

	star := indexOf(map[string]string{"*": "all", "*.maas.local": "wild"})
	if got := names(star.lookup("anything.org")); got != "all" {
		t.Errorf(`"*" should match every host, got %q`, got)
	}
	if got := names(star.lookup("m.maas.local")); got != "wild" {
		t.Errorf(`"*.maas.local" is longer than "*", got %q`, got)
	}
}

func TestHostIndexKeepsConfigOrderPerHostname(t *testing.T) {
	h := newHostIndex()
	for _, n := range []string{"first", "second", "third"} {
		h.insert("simulator.maas.local", &runtimeActionSet{name: n})
	}
	if got := names(h.lookup("simulator.maas.local")); got != "first,second,third" {
		t.Fatalf("got %q", got)
	}
}
