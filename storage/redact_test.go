package storage

import (
	"errors"
	"strings"
	"testing"
)

func TestRedactURI(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"mongodb://localhost:27017", "mongodb://localhost:27017"},
		{"mongodb://localhost/opsbot?retryWrites=true&w=majority", "mongodb://localhost/opsbot?retryWrites=true&w=majority"},
		{"mongodb://ops:s3cret@db1:27017,db2:27017/admin?replicaSet=rs0", "mongodb://xxxxx@db1:27017,db2:27017/admin?replicaSet=rs0"},
		{"mongodb://ops@db1", "mongodb://xxxxx@db1"},
		{"mongodb+srv://ops:p%40ss@cluster0.ab1cd.mongodb.net/?retryWrites=true&w=majority", "mongodb+srv://xxxxx@cluster0.ab1cd.mongodb.net/?retryWrites=true&w=majority"},
		// Unescaped '@', '/', ':' and even '?' in a password.
		{"mongodb://ops:p@ss/w:rd@db1/x", "mongodb://xxxxx@db1/x"},
		{"mongodb://ops:pa?ss@db1/?tls=true", "mongodb://xxxxx@db1/?tls=true"},
		// Secrets in query options.
		{"mongodb+srv://cluster0.example.net/?tls=true&tlsCertificateKeyFilePassword=hunter2&appName=opsbot",
			"mongodb+srv://cluster0.example.net/?tls=true&tlsCertificateKeyFilePassword=xxxxx&appName=opsbot"},
		{"mongodb://db1/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:abc123",
			"mongodb://db1/?authMechanism=MONGODB-AWS&authMechanismProperties=xxxxx"},
		{"mongodb://u:p@db1/?password=p2&PASSWORD=p3&sslClientCertificateKeyPassword=p4&token=t",
			"mongodb://xxxxx@db1/?password=xxxxx&PASSWORD=xxxxx&sslClientCertificateKeyPassword=xxxxx&token=xxxxx"},
		// An '@' in a query option is not user information.
		{"mongodb://db1/?appName=ops@bot", "mongodb://db1/?appName=ops@bot"},
		// Not a URI at all, still no password.
		{"ops:s3cret@db1:27017", "xxxxx@db1:27017"},
	} {
		if got := RedactURI(tc.in); got != tc.want {
			t.Errorf("RedactURI(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestURIHosts(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"mongodb://ops:s3cret@db1:27017,db2:27017/admin?replicaSet=rs0", "db1:27017,db2:27017"},
		{"mongodb+srv://ops:p@ss@cluster0.example.net/?password=x", "cluster0.example.net"},
		{"mongodb://localhost", "localhost"},
		{"mongodb://", "(no host)"},
	} {
		if got := uriHosts(tc.in); got != tc.want {
			t.Errorf("uriHosts(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRedactError(t *testing.T) {
	uri := "mongodb+srv://ops:p%40ss%2Bw0rd@cluster0.example.net/?tlsCertificateKeyFilePassword=hunter2"
	cause := errors.New(`error parsing uri "` + uri + `": password p@ss+w0rd, invalid value for "tlsCertificateKeyFilePassword": "hunter2"`)
	err := redactError(cause, uri)
	for _, secret := range []string{"p%40ss", "p@ss", "hunter2", "w0rd"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q contains %q", err, secret)
		}
	}
	if !strings.Contains(err.Error(), "cluster0.example.net") {
		t.Errorf("error %q does not name the host", err)
	}
	if !errors.Is(err, cause) {
		t.Errorf("redacted error does not wrap its cause")
	}
	if plain := errors.New("no secrets here"); redactError(plain, uri) != plain {
		t.Errorf("an error without secrets was rewrapped")
	}
}
