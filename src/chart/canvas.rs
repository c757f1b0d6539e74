//! Drawing primitives over either plotters backend, in pixels, and the two renderers: SVG (text
//! kept as `<text>` elements) and PNG (drawn at twice the size and averaged down, so that lines
//! and area edges are smooth).

use super::style::{self, BACKGROUND, FAMILY};
use crate::error::Error;
use plotters::coord::Shift;
use plotters::element::{Circle, DashedPathElement, PathElement, Polygon, Rectangle, Text};
use plotters::prelude::{BitMapBackend, DrawingArea, DrawingBackend, IntoDrawingArea, SVGBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontDesc, FontFamily, FontStyle, RGBColor, ShapeStyle, TextStyle};
use std::cell::RefCell;

/// Result of drawing.
pub(super) type Drawn = Result<(), Error>;

/// Supersampling factor of PNG rendering (see [`downsample`]).
const SUPERSAMPLE: u32 = 2;

/// A rectangle in pixels: `x0 <= x < x1`, `y0 <= y < y1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rect {
    /// Left.
    pub x0: i32,
    /// Top.
    pub y0: i32,
    /// Right.
    pub x1: i32,
    /// Bottom.
    pub y1: i32,
}

impl Rect {
    /// Width.
    pub(crate) fn width(&self) -> i32 {
        self.x1 - self.x0
    }
    /// Height.
    pub(crate) fn height(&self) -> i32 {
        self.y1 - self.y0
    }
}

/// Where a plot was drawn: its data rectangle, and the values of x at its left and right
/// edges (the HTML report maps the pointer to the data with it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PlotArea {
    /// The data rectangle, pixels.
    pub rect: Rect,
    /// x at `rect.x0` and at `rect.x1`.
    pub x: (f64, f64),
}

/// Where a line of text sits relative to its x coordinate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    /// Starts at x.
    Left,
    /// Centred on x.
    Center,
    /// Ends at x.
    Right,
}

/// A drawing surface: a plotters drawing area plus the chart's scale.
pub(crate) struct Canvas<DB: DrawingBackend> {
    area: DrawingArea<DB, Shift>,
    /// Width, pixels.
    pub width: i32,
    /// Height, pixels.
    pub height: i32,
    /// Pixels per design pixel.
    pub scale: f64,
    /// Font size correction: plotters draws bitmap glyphs about 6.5% larger than the SVG
    /// `font-size` it writes for the same size; this makes PNG and SVG text the same size.
    font_factor: f64,
    /// Shift of the baseline, in font sizes, that puts bitmap text where a browser puts the
    /// same SVG text.
    baseline_shift: f64,
    /// The plots laid out on this canvas, in order.
    plots: RefCell<Vec<PlotArea>>,
}

fn drawing_error(error: impl std::fmt::Display) -> Error {
    Error::Chart(format!("cannot draw the chart: {error}"))
}

impl<DB: DrawingBackend> Canvas<DB> {
    fn new(area: DrawingArea<DB, Shift>, scale: f64, bitmap: bool) -> Self {
        let (width, height) = area.dim_in_pixel();
        Canvas {
            area,
            width: width as i32,
            height: height as i32,
            scale,
            font_factor: if bitmap { 0.9387 } else { 1.0 },
            baseline_shift: if bitmap { 0.144 } else { 0.0 },
            plots: RefCell::new(Vec::new()),
        }
    }

    /// Notes that a plot was laid out at `area`.
    pub(crate) fn record_plot(&self, area: PlotArea) {
        self.plots.borrow_mut().push(area);
    }

    /// Design pixels to pixels.
    pub(crate) fn px(&self, design: f64) -> i32 {
        (design * self.scale).round() as i32
    }

    fn font(&self, size: f64, bold: bool) -> FontDesc<'static> {
        let style = if bold { FontStyle::Bold } else { FontStyle::Normal };
        FontDesc::new(FontFamily::Name(FAMILY), size * self.scale * self.font_factor, style)
    }

    /// Width of `text` in pixels at design size `size`.
    pub(crate) fn measure(&self, text: &str, size: f64, bold: bool) -> i32 {
        if text.is_empty() {
            return 0;
        }
        let font = self.font(size, bold);
        self.area.estimate_text_size(text, &TextStyle::from(font)).map_or_else(
            |_| (text.chars().count() as f64 * size * self.scale * 0.62) as i32,
            |(w, _)| w as i32,
        )
    }

    /// Height of one line of text at design size `size`, with its leading.
    pub(crate) fn line_height(&self, size: f64) -> i32 {
        self.px(size * 1.2)
    }

    /// Draws one line of text whose line box starts at `y`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn text(
        &self,
        text: &str,
        x: i32,
        y: i32,
        size: f64,
        bold: bool,
        color: RGBColor,
        align: Align,
    ) -> Drawn {
        if text.is_empty() {
            return Ok(());
        }
        let h = match align {
            Align::Left => HPos::Left,
            Align::Center => HPos::Center,
            Align::Right => HPos::Right,
        };
        let font_px = size * self.scale;
        let y = y + (self.baseline_shift * font_px).round() as i32;
        let style = TextStyle::from(self.font(size, bold))
            .color(&color)
            .pos(Pos::new(h, VPos::Top));
        self.area.draw(&Text::new(text, (x, y), style)).map_err(drawing_error)
    }

    fn stroke(&self, color: RGBColor, alpha: f64, width: f64) -> ShapeStyle {
        ShapeStyle {
            color: color.mix(alpha),
            filled: false,
            stroke_width: ((width * self.scale).round() as u32).max(1),
        }
    }

    /// A polyline.
    pub(crate) fn line(&self, points: &[(i32, i32)], color: RGBColor, width: f64) -> Drawn {
        if points.len() < 2 {
            return Ok(());
        }
        self.area
            .draw(&PathElement::new(points.to_vec(), self.stroke(color, 1.0, width)))
            .map_err(drawing_error)
    }

    /// A dashed polyline (dash and gap in design pixels).
    pub(crate) fn dashed(&self, points: &[(i32, i32)], color: RGBColor, width: f64, dash: f64, gap: f64) -> Drawn {
        if points.len() < 2 {
            return Ok(());
        }
        let element = DashedPathElement::new(
            points.to_vec(),
            self.px(dash).max(1),
            self.px(gap).max(1),
            self.stroke(color, 1.0, width),
        );
        self.area.draw(&element).map_err(drawing_error)
    }

    /// A filled rectangle.
    pub(crate) fn fill_rect(&self, rect: Rect, color: RGBColor, alpha: f64) -> Drawn {
        if rect.width() <= 0 || rect.height() <= 0 {
            return Ok(());
        }
        self.area
            .draw(&Rectangle::new(
                [(rect.x0, rect.y0), (rect.x1, rect.y1)],
                color.mix(alpha).filled(),
            ))
            .map_err(drawing_error)
    }

    /// A filled circle of `radius` pixels around `center`.
    pub(crate) fn circle(&self, center: (i32, i32), radius: i32, color: RGBColor, alpha: f64) -> Drawn {
        if radius <= 0 {
            return Ok(());
        }
        self.area
            .draw(&Circle::new(center, radius, color.mix(alpha).filled()))
            .map_err(drawing_error)
    }

    /// A filled polygon.
    pub(crate) fn polygon(&self, points: Vec<(i32, i32)>, color: RGBColor, alpha: f64) -> Drawn {
        if points.len() < 3 {
            return Ok(());
        }
        self.area
            .draw(&Polygon::new(points, color.mix(alpha).filled()))
            .map_err(drawing_error)
    }
}

/// Draws with `draw` onto an SVG of `width`×`height` and returns its text.
pub(super) fn svg(
    width: u32,
    height: u32,
    draw: impl FnOnce(&Canvas<SVGBackend<'_>>) -> Drawn,
) -> Result<String, Error> {
    svg_with_plots(width, height, draw).map(|(text, _)| text)
}

/// [`svg`], with where each plot was laid out.
pub(super) fn svg_with_plots(
    width: u32,
    height: u32,
    draw: impl FnOnce(&Canvas<SVGBackend<'_>>) -> Drawn,
) -> Result<(String, Vec<PlotArea>), Error> {
    style::register_fonts();
    let mut text = String::new();
    let plots;
    {
        let area = SVGBackend::with_string(&mut text, (width, height)).into_drawing_area();
        area.fill(&BACKGROUND).map_err(drawing_error)?;
        let canvas = Canvas::new(area, style::scale_for(width, height), false);
        draw(&canvas)?;
        canvas.area.present().map_err(drawing_error)?;
        plots = canvas.plots.into_inner();
    }
    Ok((text, plots))
}

/// Draws with `draw` at twice `width`×`height`, averages 2×2 blocks and encodes a PNG.
pub(super) fn png(
    width: u32,
    height: u32,
    draw: impl FnOnce(&Canvas<BitMapBackend<'_>>) -> Drawn,
) -> Result<Vec<u8>, Error> {
    style::register_fonts();
    let (big_w, big_h) = (width * SUPERSAMPLE, height * SUPERSAMPLE);
    let mut big = vec![255u8; big_w as usize * big_h as usize * 3];
    {
        let area = BitMapBackend::with_buffer(&mut big, (big_w, big_h)).into_drawing_area();
        area.fill(&BACKGROUND).map_err(drawing_error)?;
        let canvas = Canvas::new(area, style::scale_for(width, height) * f64::from(SUPERSAMPLE), true);
        draw(&canvas)?;
        canvas.area.present().map_err(drawing_error)?;
    }
    let pixels = downsample(&big, width as usize, height as usize);
    encode_png(&pixels, width, height)
}

/// Averages 2×2 blocks of an RGB image twice `width`×`height`.
fn downsample(big: &[u8], width: usize, height: usize) -> Vec<u8> {
    let row_len = width * 2 * 3;
    let mut out = vec![0u8; width * height * 3];
    for (y, out_row) in out.chunks_exact_mut(width * 3).enumerate() {
        let top = &big[2 * y * row_len..(2 * y + 1) * row_len];
        let bottom = &big[(2 * y + 1) * row_len..(2 * y + 2) * row_len];
        for ((pixel, a), b) in out_row
            .chunks_exact_mut(3)
            .zip(top.chunks_exact(6))
            .zip(bottom.chunks_exact(6))
        {
            for c in 0..3 {
                let sum = u16::from(a[c]) + u16::from(a[c + 3]) + u16::from(b[c]) + u16::from(b[c + 3]);
                pixel[c] = ((sum + 2) / 4) as u8;
            }
        }
    }
    out
}

fn encode_png(pixels: &[u8], width: u32, height: u32) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    let error = |e: png::EncodingError| Error::Chart(format!("cannot encode the PNG: {e}"));
    {
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Balanced);
        // Tells a later run that backlog wrote the file, so that it may overwrite it.
        encoder
            .add_text_chunk("Software".to_owned(), "backlog".to_owned())
            .map_err(error)?;
        let mut writer = encoder.write_header().map_err(error)?;
        writer.write_image_data(pixels).map_err(error)?;
        writer.finish().map_err(error)?;
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downsampling_averages_blocks() {
        // 2×1 image from a 4×2 one: left block all 0, right block 0,0,255,255 per channel.
        let mut big = vec![0u8; 4 * 2 * 3];
        for x in [2, 3] {
            for c in 0..3 {
                big[(4 + x) * 3 + c] = 255;
            }
        }
        let small = downsample(&big, 2, 1);
        assert_eq!(small, vec![0, 0, 0, 128, 128, 128]);
    }
}
