package org.huizhen.dicom.net.assoc;

/** An accepted presentation context: id, abstract syntax and the one transfer syntax agreed. */
public record NegotiatedContext(int id, String abstractSyntax, String transferSyntax) {
}
