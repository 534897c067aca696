package org.huizhen.dicom.ecg.xml;

import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.huizhen.dicom.ecg.EcgTestFiles;
import org.w3c.dom.Document;

/**
 * Test-side access to the shared XML ECG files: their text, edited copies for the bad-input
 * cases, and plain XPath look-ups that read expected values out of a file without going through
 * the readers under test.
 */
final class XmlTestFiles {
    private XmlTestFiles() {
    }

    /** A shared file's text in its declared encoding. */
    static String text(String name, Charset cs) {
        return new String(EcgTestFiles.bytes(name), cs);
    }

    /** A copy of a shared file with the first occurrence of {@code from} replaced; fails when it does not occur. */
    static byte[] edit(String name, Charset cs, String from, String to) {
        String s = text(name, cs);
        int i = s.indexOf(from);
        if (i < 0) {
            throw new AssertionError("\"" + from + "\" not found in " + name);
        }
        return (s.substring(0, i) + to + s.substring(i + from.length())).getBytes(cs);
    }

    /** A copy of a shared file with every occurrence of {@code from} replaced; fails when it does not occur. */
    static byte[] editAll(String name, Charset cs, String from, String to) {
        String s = text(name, cs);
        if (!s.contains(from)) {
            throw new AssertionError("\"" + from + "\" not found in " + name);
        }
        return s.replace(from, to).getBytes(cs);
    }

    /** The string value of an XPath expression on a file (namespaces ignored: use local-name()). */
    static String xpath(byte[] file, String expr) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setNamespaceAware(true);
            Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(file));
            return XPathFactory.newInstance().newXPath().evaluate(expr, d);
        } catch (Exception e) {
            throw new AssertionError("XPath " + expr + " failed: " + e, e);
        }
    }

    /** The number an XPath expression selects. */
    static double xpathNumber(byte[] file, String expr) {
        String s = xpath(file, expr).trim();
        if (s.isEmpty()) {
            throw new AssertionError("XPath " + expr + " selects nothing");
        }
        return Double.parseDouble(s);
    }

    /** The first group of the first match of a regular expression (DOTALL) in a text. */
    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(text);
        if (!m.find()) {
            throw new AssertionError("/" + regex + "/ not found");
        }
        return m.group(1);
    }
}
