package org.huizhen.dicom.ecg.xml;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.huizhen.dicom.ecg.EcgParseException;
import org.w3c.dom.Document;
import org.w3c.dom.DocumentType;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The hardened XML parsing the XML ECG readers share: a DOM parser that never loads a DTD, never
 * resolves an external entity and caps entity expansion, a root-element sniffer for
 * {@code accepts} and a few namespace-agnostic DOM navigation helpers.
 *
 * <p>Why a DTD is tolerated at all: GE MUSE exports start with
 * {@code <!DOCTYPE RestingECG SYSTEM "restecg.dtd">}, a DTD that is never shipped; refusing every
 * DOCTYPE would refuse every MUSE file. So the DOCTYPE is read but its external subset is not
 * loaded ({@code load-external-dtd} off), external general and parameter entities are off, JAXP's
 * {@code accessExternalDTD}/{@code accessExternalSchema} allow no protocol, secure processing is on
 * (it bounds entity expansion, the "billion laughs"), the expansion limits are lowered further, and
 * an entity resolver refuses whatever still asks to be resolved; finally a document whose DOCTYPE
 * declares any entity is refused outright (ECG exports declare none). The parser's own error handler
 * would print "[Fatal Error]" to stderr; it is replaced by one that only throws.
 *
 * <p>Limits: {@link #MAX_XML_BYTES} per document (HZ-7005 beyond), {@link #ENTITY_EXPANSION_LIMIT}
 * entity expansions and {@link #MAX_ELEMENT_DEPTH} levels of nesting per document (HZ-7002 beyond).
 *
 * <p>Stateless; a new parser is created per call (JAXP factories and builders are not
 * thread-safe), so every method may be called from any thread.
 */
public final class SafeXml {
    /**
     * Largest XML ECG accepted, in bytes. A 10 s 12-lead at 1000 Hz is well under 1 MiB in any of the
     * three formats; the DOM of a 16 MiB document stays around 100 MiB of heap.
     */
    public static final int MAX_XML_BYTES = 16 * 1024 * 1024;
    /** Most entity expansions one document may cause (the ECG formats use none but the predefined ones). */
    public static final int ENTITY_EXPANSION_LIMIT = 100;
    /** Deepest element nesting accepted (aECG, the deepest of the three, nests about 20 levels). */
    public static final int MAX_ELEMENT_DEPTH = 200;
    /** How much of a file {@link #root} looks at (the registry passes at most this much). */
    public static final int SNIFF_BYTES = 4096;

    private SafeXml() {
    }

    /** The name and namespace of a document's root element. */
    public record Root(String localName, String namespace) {
    }

    /**
     * The root element of an XML document from its first bytes, without reading further than the
     * root's start tag; empty when the bytes are not the start of an XML document (binary, text,
     * a cut inside the root start tag). Encoding declarations and byte order marks are honoured.
     */
    public static Optional<Root> root(byte[] head) {
        if (head == null || head.length == 0 || !startsLikeXml(head)) {
            return Optional.empty();
        }
        XMLInputFactory f = XMLInputFactory.newFactory();
        // The JDK's StAX parser reports fatal errors on stderr unless a reporter takes them.
        f.setProperty(XMLInputFactory.REPORTER, (javax.xml.stream.XMLReporter) (message, type, info, location) -> { });
        // No DTD processing at all while sniffing: the DOCTYPE is reported as an event and skipped.
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        int n = Math.min(head.length, SNIFF_BYTES);
        XMLStreamReader r = null;
        try {
            r = f.createXMLStreamReader(new ByteArrayInputStream(head, 0, n));
            while (r.hasNext()) {
                if (r.next() == XMLStreamConstants.START_ELEMENT) {
                    String ns = r.getNamespaceURI();
                    return Optional.of(new Root(r.getLocalName(), ns == null ? "" : ns));
                }
            }
            return Optional.empty();
        } catch (XMLStreamException | RuntimeException e) {
            return Optional.empty();
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing was opened that needs closing
                }
            }
        }
    }

    /**
     * Whether the bytes can start an XML document: optional byte order mark (UTF-8, UTF-16 LE/BE)
     * and whitespace, then '<'. Binary files (SCP-ECG, DICOM) are turned away here without
     * starting a parser.
     */
    private static boolean startsLikeXml(byte[] b) {
        int i = 0;
        if (b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
            i = 3;
        } else if (b.length >= 2 && ((b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF || (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE)) {
            return true; // UTF-16: the parser decodes it
        }
        for (; i < b.length; i++) {
            int c = b[i] & 0xFF;
            if (c == '<') {
                return true;
            }
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return false;
            }
        }
        return false;
    }

    /**
     * Parses a whole document with the hardened settings above.
     *
     * @param what the format's name for messages ("HL7 aECG")
     * @throws EcgParseException HZ-7005 over {@link #MAX_XML_BYTES}; HZ-7002 when the document is not
     *     well-formed (truncated, bad characters, refused entity, expansion limit), with the
     *     parser's line and column
     */
    public static Document parse(byte[] file, String what) throws EcgParseException {
        if (file.length > MAX_XML_BYTES) {
            throw new EcgParseException("HZ-7005 " + what + " file of " + file.length + " bytes is over the XML limit of "
                    + MAX_XML_BYTES);
        }
        if (file.length == 0) {
            throw new EcgParseException("HZ-7002 " + what + ": empty file");
        }
        try {
            DocumentBuilder b = builder();
            Document doc = b.parse(new InputSource(new ByteArrayInputStream(file)));
            DocumentType dt = doc.getDoctype();
            if (dt != null && dt.getEntities() != null && dt.getEntities().getLength() > 0) {
                // ECG exports declare no entities; a document that does is refused outright rather than trusted to
                // the parser's limits (entity bombs, external entities in disguise)
                throw new EcgParseException("HZ-7002 " + what + " declares " + dt.getEntities().getLength()
                        + " entities in its DOCTYPE; ECG files use none (refused)");
            }
            return doc;
        } catch (SAXParseException e) {
            throw new EcgParseException("HZ-7002 " + what + " is not well-formed XML (line " + e.getLineNumber()
                    + ", column " + e.getColumnNumber() + "): " + e.getMessage(), e);
        } catch (SAXException e) {
            throw new EcgParseException("HZ-7002 " + what + " is not well-formed XML: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new EcgParseException("HZ-7002 " + what + " could not be read: " + e.getMessage(), e);
        }
    }

    private static DocumentBuilder builder() throws EcgParseException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        try {
            f.setNamespaceAware(true);
            f.setValidating(false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        } catch (ParserConfigurationException | IllegalArgumentException e) {
            // A JAXP implementation that cannot be hardened is not used at all.
            throw new EcgParseException("HZ-7004 the XML parser cannot be configured securely: " + e.getMessage(), e);
        }
        try {
            f.setAttribute("jdk.xml.entityExpansionLimit", String.valueOf(ENTITY_EXPANSION_LIMIT));
            // Bounds the nesting so that the recursive helpers below cannot overflow the stack.
            f.setAttribute("jdk.xml.maxElementDepth", String.valueOf(MAX_ELEMENT_DEPTH));
        } catch (IllegalArgumentException notJdkParser) {
            // Secure processing's own default limits stay in force.
        }
        try {
            DocumentBuilder b = f.newDocumentBuilder();
            b.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entity or DTD refused: " + systemId);
            });
            b.setErrorHandler(THROWING);
            return b;
        } catch (ParserConfigurationException e) {
            throw new EcgParseException("HZ-7004 the XML parser cannot be configured securely: " + e.getMessage(), e);
        }
    }

    private static final ErrorHandler THROWING = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
            // warnings (e.g. an undeclared DTD element) do not make a file unreadable
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    // ---- namespace-agnostic navigation (the formats are matched by local name; Philips and HL7 use
    // a default namespace, MUSE none) ----

    /** The element's name without prefix. */
    public static String name(Node n) {
        String l = n.getLocalName();
        return l != null ? l : n.getNodeName();
    }

    /** The child elements of {@code parent}, in document order. */
    public static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c.getNodeType() == Node.ELEMENT_NODE) {
                out.add((Element) c);
            }
        }
        return out;
    }

    /** The child elements called {@code name}. */
    public static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c.getNodeType() == Node.ELEMENT_NODE && name.equals(name(c))) {
                out.add((Element) c);
            }
        }
        return out;
    }

    /** The first child element called {@code name}. */
    public static Optional<Element> child(Element parent, String name) {
        if (parent == null) {
            return Optional.empty();
        }
        for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c.getNodeType() == Node.ELEMENT_NODE && name.equals(name(c))) {
                return Optional.of((Element) c);
            }
        }
        return Optional.empty();
    }

    /** The element at the end of a path of child names, e.g. {@code path(root, "TestDemographics", "AcquisitionDate")}. */
    public static Optional<Element> path(Element from, String... names) {
        Optional<Element> e = Optional.ofNullable(from);
        for (String n : names) {
            if (e.isEmpty()) {
                return e;
            }
            e = child(e.get(), n);
        }
        return e;
    }

    /** The trimmed text of the element at a path; empty when absent or blank. */
    public static Optional<String> text(Element from, String... names) {
        return path(from, names).map(Element::getTextContent).map(String::trim).filter(s -> !s.isEmpty());
    }

    /** A non-blank attribute value. */
    public static Optional<String> attr(Element e, String name) {
        if (e == null || !e.hasAttribute(name)) {
            return Optional.empty();
        }
        String v = e.getAttribute(name).trim();
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    /**
     * A decimal number from text; empty for blank text and for the words devices write instead of a
     * number ("Failed", "Indeterminate", "Invalid").
     */
    public static Optional<Double> number(Optional<String> text) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            double d = Double.parseDouble(text.get().trim());
            return Double.isFinite(d) ? Optional.of(d) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The first element called {@code name} anywhere below {@code from}, in document order. */
    public static Optional<Element> descendant(Element from, String name) {
        for (Element c : children(from)) {
            if (name.equals(name(c))) {
                return Optional.of(c);
            }
            Optional<Element> d = descendant(c, name);
            if (d.isPresent()) {
                return d;
            }
        }
        return Optional.empty();
    }
}
