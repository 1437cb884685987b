// Package tcpcheck checks that a TCP port accepts connections, and how
// quickly: the connect time is the Result's value, a refused, unresolvable
// or silent address is critical, a slow connect warns.
package tcpcheck
