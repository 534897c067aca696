package org.huizhen.dicom.ecg.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The hand-written PNG writer against an independent decoder (the JDK's ImageIO PNG reader):
 * every pixel must come back exactly, at sizes that exercise partial IDAT chunks and the first
 * row's "Up" filter against an implied zero row.
 */
class PngEncoderTest {

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1, 1", "3, 2", "257, 129", "2376, 1680"})
    void everyPixelDecodesBackExactly(int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(240, 160, 170));
        for (int x = 0; x < w; x += 8) {
            g.drawLine(x, 0, x, h);
        }
        g.setColor(Color.BLACK);
        g.drawLine(0, h - 1, w - 1, 0);
        g.dispose();
        // noise so that no filter trick can hide a wrong byte
        Random r = new Random(w * 31L + h);
        for (int i = 0; i < Math.min(w * h, 5000); i++) {
            img.setRGB(r.nextInt(w), r.nextInt(h), r.nextInt(0x1000000));
        }
        byte[] png = PngEncoder.encode(img, 8000);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(back.getWidth()).isEqualTo(w);
        assertThat(back.getHeight()).isEqualTo(h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if ((back.getRGB(x, y) & 0xFFFFFF) != (img.getRGB(x, y) & 0xFFFFFF)) {
                    throw new AssertionError("pixel " + x + "," + y + " is " + Integer.toHexString(back.getRGB(x, y))
                            + ", drawn " + Integer.toHexString(img.getRGB(x, y)));
                }
            }
        }
    }

    @Test
    void refusesImagesOfAnotherLayout() {
        assertThatThrownBy(() -> PngEncoder.encode(new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB), 1000))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
