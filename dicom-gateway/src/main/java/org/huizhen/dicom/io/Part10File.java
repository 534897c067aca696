package org.huizhen.dicom.io;

import java.util.Objects;

import org.huizhen.dicom.data.DataSet;

/**
 * What {@link DicomReader} read from a Part 10 file.
 *
 * <p>Immutable; thread-safe.
 *
 * @param meta                  the File Meta Information (group 0002)
 * @param metaElements          the group 0002 elements as read
 * @param dataSet               the data set after group 0002 (up to Pixel Data when the read
 *                              stopped there)
 * @param dataSetOffset         byte offset in the file where the data set begins
 * @param pixelDataOffset       byte offset of the top-level Pixel Data element's header in the
 *                              data set's encoding (the file, unless deflated), or -1 if none
 * @param stoppedBeforePixelData true when reading stopped at Pixel Data (its value and
 *                              anything after it were not read)
 */
public record Part10File(FileMetaInfo meta, DataSet metaElements, DataSet dataSet, long dataSetOffset,
                         long pixelDataOffset, boolean stoppedBeforePixelData) {

    public Part10File {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(metaElements, "metaElements");
        Objects.requireNonNull(dataSet, "dataSet");
    }

    /** The transfer syntax of the data set. */
    public TransferSyntax transferSyntax() {
        return meta.transferSyntax();
    }
}
