package events

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
)

// SignatureHeader carries the body's HMAC-SHA256, "sha256=<hex>".
const SignatureHeader = "X-Hub-Signature-256"

// Signature errors, for logs; a client only learns that it was refused.
var (
	ErrNoSignature        = errors.New("no signature header")
	ErrMalformedSignature = errors.New("malformed signature")
	ErrBadSignature       = errors.New("signature does not match")
)

// Sign returns the header value for body: "sha256=" and the hex HMAC-SHA256
// of body keyed with secret. The service computes the same.
func Sign(secret, body []byte) string {
	return "sha256=" + hex.EncodeToString(mac(secret, body))
}

// Verify checks a header value against body, in constant time.
func Verify(secret, body []byte, header string) error {
	header = strings.TrimSpace(header)
	if header == "" {
		return ErrNoSignature
	}
	const prefix = "sha256="
	if len(header) != len(prefix)+2*sha256.Size || !strings.EqualFold(header[:len(prefix)], prefix) {
		return ErrMalformedSignature
	}
	got, err := hex.DecodeString(header[len(prefix):])
	if err != nil {
		return ErrMalformedSignature
	}
	if !hmac.Equal(got, mac(secret, body)) {
		return ErrBadSignature
	}
	return nil
}

func mac(secret, body []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write(body)
	return h.Sum(nil)
}
